"""The JSON API root (`/api/v1`): the health check, the OpenAPI document and its page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from portal import health as health_report
from portal import openapi
from portal.auth.enforce import public
from portal.db import db_session

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/health")
@public
def health() -> Any:
    """The parts and their status; 503 only when the portal cannot serve (no database), so a load
    balancer keeps a node whose worker or search is degraded while monitoring reads the body."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    body = health_report.report(app, db_session())
    return jsonify(body), 503 if body["status"] == "down" else 200


@bp.get("/openapi.json")
@public
def openapi_document() -> Any:
    """Every JSON endpoint, described as OpenAPI 3.1."""
    return jsonify(openapi.document(current_app._get_current_object()))  # type: ignore[attr-defined]


@bp.get("/docs")
@public
def api_docs() -> str:
    """The same document as a page people can read."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return render_template("portal/api_docs.html", doc=openapi.document(app))
