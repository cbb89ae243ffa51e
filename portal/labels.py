"""Translated names of the codes people see: roles, organisation kinds, office types."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "staff": _l("UNV staff"),
    "partner": _l("UN partner focal point"),
    "contributor": _l("Knowledge contributor"),
}
ORG_KIND_LABELS = {
    "unv": _l("UNV"),
    "un_entity": _l("UN entity"),
    "member_state": _l("Member state"),
    "cso": _l("Civil-society organisation"),
    "private_sector": _l("Private sector"),
    "academia": _l("Academia"),
    "other": _l("Other"),
}
OFFICE_TYPE_LABELS = {
    "hq": _l("Headquarters"),
    "regional": _l("Regional office"),
    "country": _l("Country office"),
}


def init_app(app: Flask) -> None:
    @app.context_processor
    def _labels() -> dict[str, Any]:
        return {
            "role_labels": ROLE_LABELS,
            "kind_labels": ORG_KIND_LABELS,
            "office_type_labels": OFFICE_TYPE_LABELS,
        }
