"""The JSON API root (`/api/v1`): bearer-token sign-in and the health check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.auth.enforce import public
from portal.db import db_session

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def register_health_check(app: Flask, name: str, check: Callable[[], dict[str, Any]]) -> None:
    """A feature adds its own figures to the health answer (e.g. the search index lag)."""
    app.extensions.setdefault("portal_health", {})[name] = check


@bp.get("/health")
@public
def health() -> Any:
    body: dict[str, Any] = {"status": "ok"}
    try:
        db_session().execute(text("SELECT 1"))
        body["database"] = "ok"
    except SQLAlchemyError:
        body.update(status="degraded", database="unreachable")
    for name, check in current_app.extensions.get("portal_health", {}).items():
        try:
            body[name] = check()
        except Exception:  # noqa: BLE001 - a failing check degrades health, never breaks it
            body[name] = {"status": "unavailable"}
            body["status"] = "degraded"
    return jsonify(body), 200 if body["status"] == "ok" else 503
