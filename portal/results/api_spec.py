"""The OpenAPI description of `GET /api/v1/indicators` (CONTRACT.md, JSON API)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from portal.i18n import LANGUAGES
from portal.openapi import error_responses, register_paths
from portal.results.framework import UNITS
from portal.results.suppression import GROUP_KEYS

_NUMBER_OR_NULL = {"type": ["number", "null"]}

INDICATOR: dict[str, Any] = {
    "type": "object",
    "required": ["code", "title", "unit", "value", "status", "suppressed"],
    "properties": {
        "code": {"type": "string", "examples": ["1.2"]},
        "title": {"type": "string"},
        "unit": {"enum": list(UNITS)},
        "value": {
            **_NUMBER_OR_NULL,
            "description": "A fraction in [0, 1] for percent indicators; null when suppressed.",
        },
        "numerator": {"type": ["integer", "null"]},
        "valid_n": {"type": ["integer", "null"]},
        "excluded_n": {"type": ["integer", "null"]},
        "ci95": {"type": ["array", "null"], "items": {"type": "number"}},
        "parts": {"type": ["object", "null"], "additionalProperties": _NUMBER_OR_NULL},
        "target": _NUMBER_OR_NULL,
        "performance": _NUMBER_OR_NULL,
        "status": {"enum": ["green", "yellow", "no_target", "insufficient_data"]},
        "suppressed": {"type": "boolean"},
        "breakdown": {
            "type": ["object", "null"],
            "description": "By group ("
            + ", ".join(GROUP_KEYS)
            + "), or for 3.1.2 by organisation kind.",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "value": _NUMBER_OR_NULL,
                    "valid_n": {"type": ["integer", "null"]},
                    "suppressed": {"type": "boolean"},
                },
            },
        },
    },
}


def init_app(app: Flask) -> None:
    register_paths(
        app,
        {
            "/indicators": {
                "get": {
                    "operationId": "indicators",
                    "summary": "A reporting year's indicators with targets and ratings (staff)",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {
                            "name": "year",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 2000, "maximum": 2100},
                        },
                        {
                            "name": "lang",
                            "in": "query",
                            "description": "Language of the titles (default: the caller's).",
                            "schema": {"enum": list(LANGUAGES)},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The year's indicators.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/YearResults"}
                                }
                            },
                        },
                        **error_responses(400, 401, 403),
                    },
                }
            }
        },
        {
            "YearResults": {
                "type": "object",
                "required": ["year", "framework", "indicators"],
                "properties": {
                    "year": {"type": "integer"},
                    "framework": {"type": "string", "examples": ["2022-2025"]},
                    "indicators": {"type": "array", "items": INDICATOR},
                },
            }
        },
    )
