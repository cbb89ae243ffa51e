"""Sending mail: SMTP from SMTP_URL, otherwise .eml files in the instance outbox folder."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from portal.db import after_commit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None


class MailError(RuntimeError):
    """The mail server refused or could not be reached."""


class Mailer:
    """Sends messages through one configured transport."""

    def __init__(self, smtp_url: str, sender: str, outbox_dir: Path) -> None:
        self.smtp_url = smtp_url
        self.sender = sender
        self.outbox_dir = outbox_dir

    def build(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="unv-results-portal")
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(mail.text)
        if mail.html:
            message.add_alternative(mail.html, subtype="html")
        return message

    def send(self, mails: list[Mail]) -> int:
        """Send every message over one connection; returns how many were sent."""
        if not mails:
            return 0
        messages = [self.build(mail) for mail in mails]
        if not self.smtp_url:
            self._write_files(messages)
        else:
            self._send_smtp(messages)
        # The log names how many, never to whom: addresses are personal data.
        log.info("sent %d message(s)", len(messages))
        return len(messages)

    def _write_files(self, messages: list[EmailMessage]) -> None:
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        for message in messages:
            path = self.outbox_dir / f"{uuid.uuid4().hex}.eml"
            path.write_bytes(bytes(message))

    def _send_smtp(self, messages: list[EmailMessage]) -> None:
        parts = urlsplit(self.smtp_url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailError("SMTP_URL must look like smtp://user:pass@host:port")
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
        try:
            if parts.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    parts.hostname, port, context=ssl.create_default_context(), timeout=30
                )
            else:
                client = smtplib.SMTP(parts.hostname, port, timeout=30)
            with client:
                if parts.scheme == "smtp" and client.has_extn("starttls"):
                    client.starttls(context=ssl.create_default_context())
                if parts.username:
                    client.login(unquote(parts.username), unquote(parts.password or ""))
                for message in messages:
                    client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"mail could not be sent: {type(error).__name__}") from error


def mailer_for(config: Mapping[str, Any]) -> Mailer:
    return Mailer(
        config["SMTP_URL"], config["MAIL_FROM"], Path(config["PORTAL_DATA_DIR"]) / "outbox"
    )


def compose(template: str, to: str, locale: str | None, **context: object) -> Mail:
    """Render templates/mail/<template>.txt and .html in the recipient's language."""
    from contextlib import nullcontext

    from flask import current_app, has_request_context, render_template
    from flask_babel import force_locale

    # The command line has no request: render as if one came to BASE_URL, so that url_for and the
    # templates' context processors work the same as on the web.
    request_context = (
        nullcontext()
        if has_request_context()
        else current_app.test_request_context(base_url=current_app.config["BASE_URL"])
    )
    with request_context, force_locale(locale or "en"):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return Mail(to=to, subject=subject, text=text, html=html)


def send(mails: list[Mail]) -> int:
    """Send with the current app's configured transport."""
    from flask import current_app

    return mailer_for(current_app.config).send(mails)


def queue(session: Session, template: str, to: str, locale: str | None, **context: object) -> None:
    """Compose the mail now and send it once `session` commits: never for what was not stored.

    A refused delivery is logged (never with the address) and leaves the stored change alone.
    """
    from flask import current_app

    message = compose(template, to, locale, **context)
    config = current_app.config

    def deliver() -> None:
        try:
            mailer_for(config).send([message])
        except MailError:
            log.warning("a %s mail could not be sent", template)

    after_commit(session, deliver)


def absolute_url(endpoint: str, **values: object) -> str:
    """A link for a mail, built from BASE_URL and never from the request's Host header."""
    from flask import current_app, has_request_context, request, url_for

    base_url = current_app.config["BASE_URL"]
    if not has_request_context():
        with current_app.test_request_context(base_url=base_url):
            return str(url_for(endpoint, _external=True, **values))  # type: ignore[arg-type]
    # BASE_URL carries the site's own prefix, if any; drop the one this request was served under.
    path = url_for(endpoint, **values)[len(request.script_root) :]  # type: ignore[arg-type]
    return str(base_url).rstrip("/") + path
