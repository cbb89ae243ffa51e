"""Logging: one configuration for the app, a request id per request, no personal datum or token."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request
from flask.logging import default_handler
from werkzeug.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
# An incoming id is kept when it is short and plain (a proxy's or a client's); else a new one.
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_ENVIRON_KEY = "portal.request_id"

EMAIL_MASK = "[email]"
TOKEN_MASK = "[token]"  # noqa: S105 - the mask, not a secret
_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+"), EMAIL_MASK),
    # Survey links (/s/<token>) and password-reset links (/password/reset/<token>).
    (re.compile(r"(/s/|/password/reset/)[^/?#\s\"'<>]+"), rf"\1{TOKEN_MASK}"),
    (re.compile(r"\b(Bearer\s+)[^\s\"',;]+", re.IGNORECASE), rf"\1{TOKEN_MASK}"),
    (re.compile(r"\bunv_[A-Za-z0-9_-]{8,}"), TOKEN_MASK),
    # PostgreSQL's DETAIL line of a constraint error repeats the offending values.
    (re.compile(r"(DETAIL:)[^\n]*"), r"\1 [withheld]"),
)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def redact(text: str) -> str:
    """Mask e-mail addresses and survey-link, reset-link and API tokens in a piece of text."""
    for pattern, mask in _REDACTIONS:
        text = pattern.sub(mask, text)
    return text


def request_id() -> str:
    """The id of the current request (the incoming X-Request-ID if well formed), else "-"."""
    if not has_request_context():
        return NO_REQUEST
    environ = request.environ
    found = environ.get(_ENVIRON_KEY)
    if not isinstance(found, str):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        found = incoming if _WELL_FORMED_ID.fullmatch(incoming) else uuid.uuid4().hex
        environ[_ENVIRON_KEY] = found
    return found


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request it was made during (a record made outside
    the request, such as the server's access line, may bring the id along itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() or not isinstance(getattr(record, "request_id", None), str):
            record.request_id = request_id()
        return True


class RedactFilter(logging.Filter):
    """Masks personal data and tokens in the message, its arguments and the exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = {key: _redact_arg(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_redact_arg(value) for value in record.args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # a malformed call: keep the masked template
            message, record.args = str(record.msg), ()
        # Masked as a whole: a token may be split between the message and an argument.
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _redact_arg(value: object) -> object:
    if isinstance(value, int | float | bool) or value is None:
        return value  # numbers stay numbers for %d and %f
    text = str(value)
    masked = redact(text)
    if isinstance(value, str) or masked != text:
        return masked
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.Handler):
    """Writes to the standard error of the moment (gunicorn collects it; tests capture it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = sys.stderr
            stream.write(line + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 - logging must never break the request
            self.handleError(record)


def make_handler(log_format: str) -> StderrHandler:
    handler = StderrHandler()
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactFilter())
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    return handler


def configure(log_format: str, level: str) -> StderrHandler:
    """Install the one handler on the root logger, replacing one installed before (idempotent)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(old)
        old.close()
    handler = make_handler(log_format)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def log_format(app: Flask) -> str:
    chosen = app.config.get("PORTAL_LOG_FORMAT")
    if chosen:
        return str(chosen)
    return "text" if app.debug or app.testing else "json"


def init_app(app: Flask) -> None:
    configure(log_format(app), str(app.config.get("PORTAL_LOG_LEVEL") or "INFO"))
    # Flask's own handler would print every app.logger record a second time.
    app.logger.removeHandler(default_handler)

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        return response
