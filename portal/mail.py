"""Mail: composing it, queueing it in the outbox table, and sending it (SMTP from SMTP_URL,
otherwise .eml files in the instance outbox folder)."""

from __future__ import annotations

import logging
import re
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

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import OutboxMessage

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
        try:
            with self._connect() as client:
                for message in messages:
                    client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"mail could not be sent: {type(error).__name__}") from error

    def _connect(self) -> smtplib.SMTP:
        """A connection to the configured server, secured and signed in."""
        parts = urlsplit(self.smtp_url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailError("SMTP_URL must look like smtp://user:pass@host:port")
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                parts.hostname, port, context=ssl.create_default_context(), timeout=30
            )
        else:
            client = smtplib.SMTP(parts.hostname, port, timeout=30)
        try:
            if parts.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
        except BaseException:
            client.close()
            raise
        return client

    def deliver(self, mails: list[Mail]) -> list[Outcome]:
        """Try each message over one connection; one outcome per message, in order, never raises.

        A server that cannot be reached or refuses the session makes every outcome temporary; a
        reply to one message (4xx temporary, 5xx permanent) concerns that message only.
        """
        messages = [self.build(mail) for mail in mails]
        if not messages:
            return []
        if not self.smtp_url:
            return [self._write_file(message) for message in messages]
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException, MailError) as error:
            return [_outcome(error)] * len(messages)
        outcomes: list[Outcome] = []
        try:
            for message in messages:
                try:
                    client.send_message(message)
                except smtplib.SMTPResponseException as error:
                    outcomes.append(_outcome(error))  # a reply about this message alone
                    if error.smtp_code == 421:
                        break  # the server is closing the connection
                except smtplib.SMTPRecipientsRefused as error:
                    outcomes.append(_outcome(error))
                except OSError as error:  # SMTPServerDisconnected and broken sockets alike
                    outcomes.append(_outcome(error))
                    break
                else:
                    outcomes.append(SENT)
            # What was not tried is as temporary as the failure that stopped the batch.
            outcomes += [outcomes[-1]] * (len(messages) - len(outcomes))
        finally:
            _quit(client)
        sent = sum(outcome.sent for outcome in outcomes)
        log.info("sent %d of %d message(s)", sent, len(messages))
        return outcomes

    def _write_file(self, message: EmailMessage) -> Outcome:
        try:
            self._write_files([message])
        except OSError as error:
            return _outcome(error)
        return SENT


def _quit(client: smtplib.SMTP) -> None:
    # What was sent is sent: a goodbye the server fumbles changes no outcome.
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


@dataclass(frozen=True)
class Outcome:
    """What became of one message: sent, or why not and whether trying again may help."""

    sent: bool
    permanent: bool = False
    error: str = ""


SENT = Outcome(sent=True)
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@:;,]+>?")


def _outcome(error: Exception) -> Outcome:
    """5xx replies are permanent; 4xx replies, refused or broken connections are temporary."""
    code: int | None = None
    raw: bytes | str = b""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, raw = min(error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        code, raw = error.smtp_code, error.smtp_error
    reply = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    # A server's reply may quote the address; the reason is kept without it.
    reason = _ADDRESS.sub("<address>", " ".join(reply.split()))
    text = f"{code} {reason}".strip() if code else f"{type(error).__name__} {reason}".strip()
    return Outcome(sent=False, permanent=code is not None and 500 <= code < 600, error=text[:300])


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
    """Compose the mail now and store it in `session`'s transaction, for the worker to deliver.

    It exists if and only if the transaction commits; nothing is sent before that, nor here.
    """
    _store(session, compose(template, to, locale, **context), template, locale, None)


def queue_once(
    session: Session, key: str, template: str, to: str, locale: str | None, **context: object
) -> bool:
    """`queue`, at most once per `key` (such as ``invitation-link:<link id>``), whatever retries
    the deciding action goes through: a second call with that key stores nothing, returns False."""
    return _store(session, compose(template, to, locale, **context), template, locale, key)


def _store(
    session: Session, message: Mail, template: str, locale: str | None, key: str | None
) -> bool:
    now = utcnow()
    values = {
        "kind": "mail",
        "recipient": message.to,
        "template": template,
        "locale": locale,
        "subject": message.subject,
        "body_text": message.text,
        "body_html": message.html,
        "idempotency_key": key,
        "state": "queued",
        "attempts": 0,
        "created_at": now,
        "due_at": now,
    }
    if key is None:
        session.add(OutboxMessage(**values))
        session.flush()
        return True
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[OutboxMessage.idempotency_key])
        .returning(OutboxMessage.id)
    )
    return session.execute(statement).first() is not None


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
