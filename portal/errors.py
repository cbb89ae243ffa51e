"""Input errors raised by services, and the error pages and JSON errors that leak nothing."""

from __future__ import annotations

import errno
import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from portal.markers import N_

log = logging.getLogger(__name__)


class InputError(ValueError):
    """Bad input from a person or a file; the message names what is wrong and nothing was changed.

    `message` is an English message id with %(name)s placeholders, translated where it is shown.
    """

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params

    def translated(self) -> str:
        return str(gettext(self.message, **self.params))


class FieldError(InputError):
    """Bad input about one field; `field` names the form field or import column that is wrong."""

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.field = field


class NotFound(LookupError):
    """A service was asked for an object that does not exist."""


PAGE_TEXT = {
    400: (lazy_gettext("Bad request"), lazy_gettext("The request could not be understood.")),
    401: (lazy_gettext("Please sign in"), lazy_gettext("You need to sign in to see this page.")),
    403: (lazy_gettext("Access denied"), lazy_gettext("Your account cannot open this page.")),
    404: (lazy_gettext("Page not found"), lazy_gettext("There is no page at this address.")),
    405: (lazy_gettext("Not allowed"), lazy_gettext("This action is not allowed here.")),
    410: (lazy_gettext("No longer available"), lazy_gettext("This page is no longer available.")),
    413: (
        lazy_gettext("File too large"),
        lazy_gettext("The file or form you sent is larger than the portal accepts."),
    ),
    429: (
        lazy_gettext("Too many attempts"),
        lazy_gettext("Too many attempts from your connection. Please wait a minute and try again."),
    ),
    500: (
        lazy_gettext("Something went wrong"),
        lazy_gettext("The portal could not complete your request. Nothing was changed."),
    ),
    503: (
        lazy_gettext("Temporarily unavailable"),
        lazy_gettext("This service is temporarily unavailable. Please try again shortly."),
    ),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: int, message: str | None = None) -> Any:
    title, default_message = PAGE_TEXT.get(code, PAGE_TEXT[500])
    text = message or str(default_message)
    if wants_json():
        return jsonify(error=text), code
    try:
        return render_template("errors/error.html", code=code, title=title, message=text), code
    except Exception:  # noqa: BLE001 - the error page itself failed; answer plainly, still safe
        log.exception("error page for %s could not be rendered", code)
        body = escape(f"{title}. {text}")
        return f"<!doctype html><title>{code}</title><p>{body}</p>", code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> Any:
        return error_response(
            400, gettext("Your form expired or was sent from elsewhere. Please try again.")
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        code = error.code or 500
        # A view may abort with its own (translated) description; Werkzeug's defaults are English.
        custom = error.description if error.description != type(error).description else None
        return error_response(code, custom)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        # The traceback goes to the log; the page and the JSON say nothing of the internals.
        if out_of_space(error):
            log.critical("out of storage space on %s %s", request.method, request.path)
            return error_response(503, gettext(STORAGE_FULL))
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)


STORAGE_FULL = N_(
    "The portal has run out of storage space, so nothing was saved. "
    "Please try again later; the operators have been alerted."
)


def out_of_space(error: BaseException) -> bool:
    """A full disk, whether the file system (ENOSPC) or SQLite ("database or disk is full")
    reports it, anywhere in the chain of causes."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "database or disk is full" in str(seen) or "No space left on device" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
