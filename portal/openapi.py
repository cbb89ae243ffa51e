"""The OpenAPI 3.1 document of the JSON API (`/api/v1/openapi.json`), assembled from the parts the
core and each feature register, so that every JSON endpoint is described where it is defined."""

from __future__ import annotations

from typing import Any

from flask import Flask

_PARTS = "portal_openapi"

ERROR = {"$ref": "#/components/schemas/Error"}


def register_paths(
    app: Flask, paths: dict[str, Any], schemas: dict[str, Any] | None = None
) -> None:
    """Add path items (relative to /api/v1) and component schemas to the document."""
    parts = app.extensions.setdefault(_PARTS, {"paths": {}, "schemas": {}})
    for path in paths:
        if path in parts["paths"]:
            raise ValueError(f"OpenAPI path {path} registered twice")
    parts["paths"].update(paths)
    parts["schemas"].update(schemas or {})


def error_responses(*codes: int) -> dict[str, Any]:
    """The JSON error answers (`{"error": "..."}`) an operation may give."""
    described = {
        400: "A parameter is missing, out of range or holds a control character; `error` names it.",
        401: "Sign in, or send `Authorization: Bearer <token>`.",
        403: "The account's role may not call this endpoint.",
        404: "There is nothing at this address.",
        429: "Too many requests from this client; wait a minute.",
        503: "Temporarily unavailable; try again shortly.",
    }
    return {
        str(code): {
            "description": described[code],
            "content": {"application/json": {"schema": ERROR}},
        }
        for code in codes
    }


def document(app: Flask) -> dict[str, Any]:
    """The whole document: paths sorted, shared schemas, bearer-token security scheme."""
    parts = app.extensions.get(_PARTS, {"paths": {}, "schemas": {}})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "UNV Results Portal API",
            "version": "1",
            "description": (
                "Read access to the portal's published knowledge products, its health and, for "
                "UNV staff, the indicators reported to the Executive Board. Authenticated calls "
                "take a session or `Authorization: Bearer <token>` (tokens are created on the "
                'account page). Errors are JSON `{"error": "..."}` with a 4xx or 503 status.'
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(parts["paths"].items())),
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                **parts["schemas"],
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def init_app(app: Flask) -> None:
    """The core's own endpoints: health and this document."""
    part = {"type": "object", "properties": {"status": {"type": "string"}}}
    register_paths(
        app,
        {
            "/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Health of the database, disk, workers, mail, jobs and search",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The portal serves; `status` is ok or degraded.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Health"}
                                }
                            },
                        },
                        **error_responses(400),
                        "503": {
                            "description": "No database: `status` is down.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Health"}
                                }
                            },
                        },
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        **error_responses(400),
                    },
                }
            },
        },
        {
            "Health": {
                "type": "object",
                "required": ["status", "database"],
                "properties": {
                    "status": {"enum": ["ok", "degraded", "down"]},
                    "database": {"enum": ["ok", "unreachable"]},
                },
                "additionalProperties": part,
            }
        },
    )
