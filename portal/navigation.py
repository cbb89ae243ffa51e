"""The navigation bar: each feature registers its links with the permission that shows them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request, url_for
from flask_login import current_user

from portal.i18n import NavLink


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: Any  # a lazy_gettext string
    visible: Callable[[Any], bool]
    order: int


def register(
    app: Flask, endpoint: str, label: Any, visible: Callable[[Any], bool], order: int
) -> None:
    app.extensions.setdefault("portal_nav", []).append(NavEntry(endpoint, label, visible, order))


def links_for(app: Flask, user: Any) -> list[NavLink]:
    entries = sorted(app.extensions.get("portal_nav", []), key=lambda entry: entry.order)
    links = []
    for entry in entries:
        if not entry.visible(user):
            continue
        url = url_for(entry.endpoint)
        active = request.path == url or (url != "/" and request.path.startswith(url))
        links.append(NavLink(url=url, label=str(entry.label), active=active))
    return links


def init_app(app: Flask) -> None:
    @app.context_processor
    def _nav() -> dict[str, Any]:
        return {"nav_links": links_for(app, current_user._get_current_object())}
