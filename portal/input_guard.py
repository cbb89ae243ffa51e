"""Refuses control characters in what a request carries, before any view or the database sees it.

A NUL byte is refused by PostgreSQL in any text column (a 500 before this guard, with the
submitted values in the error log), and other control characters have no place in a form field,
a query parameter or an uploaded file's name. Tab, line feed and carriage return stay allowed
(multi-line fields). The refusal is a 400 that names the field, on pages and in the API alike.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _

from portal.errors import error_response

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Longest field name quoted back in a refusal (the name is the client's, not ours).
_NAME_CHARS = 40


def offending_field(fields: list[tuple[str, str]]) -> str | None:
    """The first field whose name or value holds a control character."""
    for name, value in fields:
        if _CONTROL.search(name) or _CONTROL.search(value):
            return _CONTROL.sub("", name)[:_NAME_CHARS] or "?"
    return None


def _fields() -> list[tuple[str, str]]:
    fields = list(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH"):
        fields += list(request.form.items(multi=True))
        fields += [(name, upload.filename or "") for name, upload in request.files.items()]
    fields += [("path", request.path)]
    return fields


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_control_characters() -> Any:
        name = offending_field(_fields())
        if name is None:
            return None
        return error_response(
            400,
            _(
                "The field “%(field)s” contains a control character, which is not allowed. "
                "Remove it and send again.",
                field=name,
            ),
        )
