"""Deliver the test app's queued mail, as the worker would, before asserting what arrived; and an
SMTP server on loopback whose answers a test scripts (accepting, then refusing, then recovering)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from flask import Flask

from portal.db import database, utcnow
from portal.mail import mailer_for
from portal.worker import Counts, deliver_all_due


def deliver_mail(app: Flask, now: datetime | None = None) -> Counts:
    """One `portal worker --once` against the app's database and its current SMTP_URL.

    Call it outside any open writing transaction: on SQLite the worker waits for the write lock.
    """
    return deliver_all_due(database(app), mailer_for(app.config), now or utcnow())


@dataclass
class ScriptedSmtp:
    """Accepts `accept` more messages, then answers `refusal` to each one until told otherwise."""

    accept: int = 1_000_000
    refusal: str = "451 4.3.0 Try again later"
    messages: list[EmailMessage] = field(default_factory=list)
    refused: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.accept <= 0:
            self.refused += 1
            return self.refusal
        self.accept -= 1
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


@contextmanager
def scripted_smtp(app: Flask, handler: ScriptedSmtp) -> Iterator[ScriptedSmtp]:
    """Serve `handler` on a free loopback port and point the app's SMTP_URL at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        yield handler
    finally:
        controller.stop()
