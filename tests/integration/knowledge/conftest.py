"""Fixtures of the knowledge tests: organisations, signed-in clients, products and sample files."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from knowledge import products
from knowledge.demo import minimal_pdf
from knowledge.models import KnowledgeProduct, ProductFile, SearchOutbox
from portal.models import Organisation, User
from tests.conftest import Auth, csrf_from
from tests.factories import make_org, make_user

_numbers = itertools.count(1)
SAMPLE_PDFS = Path(__file__).resolve().parents[2] / "data" / "sample-pdfs"


@dataclass
class People:
    """A ministry with a contributor, a second organisation's contributor, two staff members."""

    ministry: Organisation
    ngo: Organisation
    unv: Organisation
    contributor: User
    other_contributor: User
    staff: User
    second_staff: User
    partner: User


@pytest.fixture
def people(session: Session) -> People:
    ministry = make_org(session, "member_state", code=f"MIN-{next(_numbers)}", country="ECU")
    ngo = make_org(session, "cso", code=f"NGO-{next(_numbers)}")
    unv = make_org(session, "unv", code=f"UNV-{next(_numbers)}")
    crowd = People(
        ministry=ministry,
        ngo=ngo,
        unv=unv,
        contributor=make_user(session, "contributor", org=ministry),
        other_contributor=make_user(session, "contributor", org=ngo),
        staff=make_user(session, "staff", org=unv),
        second_staff=make_user(session, "admin", org=unv),
        partner=make_user(session, "partner"),
    )
    session.commit()
    return crowd


def product_input(**changes: Any) -> products.ProductInput:
    values: dict[str, Any] = {
        "title": f"Volunteering for the SDGs, part {next(_numbers)}",
        "abstract": "How volunteers contribute to national development plans.",
        "product_type": "report",
        "language": "en",
        "publication_date": date(2024, 4, 15),
        "countries": ("ECU",),
        "sdgs": (4, 8),
    }
    values.update(changes)
    return products.ProductInput(**values)


def make_product(
    session: Session,
    organisation: Organisation,
    *,
    status: str = "published",
    actor: User | None = None,
    **changes: Any,
) -> KnowledgeProduct:
    """A product straight from the service (flushed, not committed)."""
    return products.create_product(
        session,
        actor,
        product_input(**changes),
        organisation_id=organisation.id,
        status=status,
        rejection_reason="Not about volunteering." if status == "rejected" else None,
    )


@pytest.fixture
def login(app: Flask) -> Callable[[User], FlaskClient]:
    """login(user) returns a new client signed in as that user."""

    def sign_in(user: User) -> FlaskClient:
        client = app.test_client()
        Auth(client).login(user.email)
        return client

    return sign_in


def form_post(
    client: FlaskClient, url: str, data: dict[str, Any], *, form_url: str | None = None
) -> Any:
    """POST a form the way a browser does: CSRF token from the page, multipart when a file.

    `data` values are strings, lists of strings, or (stream, file name) tuples for files. The
    multipart body is built in memory: the test client would spool a large body to a temporary
    file that nothing closes.
    """
    token = csrf_from(client, form_url or url)
    fields = MultiDict({"csrf_token": token})
    has_file = False
    for name, value in data.items():
        if isinstance(value, tuple):
            has_file = True
            stream, filename = value
            fields.add(name, FileStorage(stream, filename, name, "application/octet-stream"))
        elif isinstance(value, list):
            for item in value:
                fields.add(name, item)
        else:
            fields.add(name, value)
    if not has_file:
        return client.post(url, data=fields)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def pdf_bytes() -> bytes:
    return minimal_pdf(
        "Voluntariado y desarrollo", ["Las personas voluntarias apoyan los planes nacionales."]
    )


def stored_file_count(data_dir: Path) -> int:
    root = data_dir / "files"
    return sum(1 for path in root.rglob("*") if path.is_file()) if root.exists() else 0


def reread(session: Session) -> None:
    """End the test's transaction so that the next read sees what requests committed since.

    The portal's sessions keep objects after commit (expire_on_commit=False), so they are expired
    here as well.
    """
    session.commit()
    session.expire_all()


def count_rows(session: Session, model: type) -> int:
    reread(session)
    return session.scalar(select(func.count()).select_from(model)) or 0


def outbox_actions(session: Session, product_id: int) -> list[str]:
    reread(session)
    return list(
        session.scalars(
            select(SearchOutbox.action)
            .where(SearchOutbox.product_id == product_id)
            .order_by(SearchOutbox.id)
        )
    )


class _Collector:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 Message accepted"


@dataclass
class SmtpServer:
    port: int
    messages: list[Any]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback that keeps what it receives."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, collector.messages)
    finally:
        controller.stop()


@pytest.fixture
def data_dir(app: Flask) -> Iterator[Path]:
    yield Path(app.config["PORTAL_DATA_DIR"])


__all__ = [
    "SAMPLE_PDFS",
    "People",
    "ProductFile",
    "count_rows",
    "form_post",
    "make_product",
    "outbox_actions",
    "product_input",
    "reread",
    "stored_file_count",
]
