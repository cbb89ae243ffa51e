"""The OpenAPI description of the knowledge endpoints: search and product metadata."""

from __future__ import annotations

from typing import Any

from flask import Flask

from knowledge.models import PRODUCT_TYPES
from knowledge.sdgs import SDG_NUMBERS
from knowledge.search.engine import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS
from portal.models import ORG_KINDS
from portal.openapi import error_responses, register_paths


def _filter(name: str, items: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description + " Repeat the parameter for several values (any of them).",
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": items, "maxItems": 20},
    }


SEARCH_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "description": 'Words, "phrases", OR, -excluded words; in any of the six languages.',
        "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
    },
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    },
    {
        "name": "sort",
        "in": "query",
        "description": "relevance (the default; newest first without words), date (newest "
        "first) or title (alphabetical, by the Unicode collation).",
        "schema": {"enum": ["relevance", "date", "title"]},
    },
    _filter("type", {"enum": list(PRODUCT_TYPES)}, "Product types."),
    _filter("language", {"type": "string", "pattern": "^[a-z]{2}$"}, "Languages (ISO 639-1)."),
    _filter(
        "sdg", {"type": "integer", "enum": sorted(SDG_NUMBERS)}, "Sustainable Development Goals."
    ),
    _filter(
        "country", {"type": "string", "pattern": "^[A-Z]{3}$"}, "Countries (ISO 3166 alpha-3)."
    ),
    _filter("org_kind", {"enum": list(ORG_KINDS)}, "Kinds of the publishing organisation."),
    _filter("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "Publication years."),
]

SCHEMAS: dict[str, Any] = {
    "SearchPage": {
        "type": "object",
        "required": ["total", "page", "results", "facets", "suggestion"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer"},
            "sort": {"enum": ["relevance", "date", "title"]},
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "snippet", "url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string", "description": "Plain text."},
                        "title_html": {
                            "type": "string",
                            "description": "The title, escaped; words the query matched in "
                            "`<mark>`.",
                        },
                        "snippet": {
                            "type": "string",
                            "description": "Escaped text; matched words in `<mark>`.",
                        },
                        "url": {"type": "string"},
                    },
                },
            },
            "facets": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                },
            },
            "suggestion": {"type": ["string", "null"]},
        },
    },
    "SimilarProducts": {
        "type": "object",
        "required": ["id", "results"],
        "properties": {
            "id": {"type": "integer", "description": "The product they are like."},
            "results": {
                "type": "array",
                "maxItems": 5,
                "description": "Best first; never the product itself, published products only.",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "url": {"type": "string"},
                        "product_type": {"enum": list(PRODUCT_TYPES)},
                        "language": {"type": "string"},
                        "year": {"type": "integer"},
                        "publication_date": {"type": "string", "format": "date"},
                        "organisation": {"type": "string"},
                    },
                },
            },
        },
    },
    "Product": {
        "type": "object",
        "required": ["id", "title", "product_type", "language", "publication_date"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "abstract": {"type": "string"},
            "product_type": {"enum": list(PRODUCT_TYPES)},
            "language": {"type": "string"},
            "publication_date": {"type": "string", "format": "date"},
            "organisation": {"type": "object"},
            "countries": {"type": ["array", "null"], "items": {"type": "string"}},
            "sdgs": {"type": ["array", "null"], "items": {"type": "integer"}},
            "files": {"type": "array", "items": {"type": "object"}},
            "creators": {"type": "array", "items": {"$ref": "#/components/schemas/Creator"}},
            "doi": {"type": ["string", "null"], "description": "DOI without resolver, 10.x/y"},
            "licence": {"type": ["string", "null"], "description": "SPDX licence id"},
            "licence_url": {"type": ["string", "null"], "format": "uri"},
            "permalink": {"type": "string", "format": "uri", "description": "Never changes"},
        },
    },
    "Creator": {
        "type": "object",
        "description": "In order; an empty list credits the contributing organisation.",
        "required": ["type", "name"],
        "properties": {
            "type": {"enum": ["person", "organisation"]},
            "name": {"type": "string", "description": "Family name, or organisation name"},
            "given_name": {"type": "string"},
            "orcid": {"type": ["string", "null"], "description": "ORCID iD of a person"},
            "ror": {"type": ["string", "null"], "description": "ROR id of an organisation"},
        },
    },
}


PRODUCT_ID = {
    "name": "product_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def init_app(app: Flask) -> None:
    json_of, product = _json("SearchPage"), _json("Product")
    register_paths(
        app,
        {
            "/knowledge/search": {
                "get": {
                    "operationId": "searchProducts",
                    "summary": "Search published knowledge products, with facet counts",
                    "security": [],
                    "parameters": SEARCH_PARAMETERS,
                    "responses": {
                        "200": {"description": "A page of results.", "content": json_of},
                        **error_responses(400, 503),
                    },
                }
            },
            "/knowledge/products/{product_id}": {
                "get": {
                    "operationId": "getProduct",
                    "summary": "A published product's metadata",
                    "security": [],
                    "parameters": [PRODUCT_ID],
                    "responses": {
                        "200": {"description": "The product.", "content": product},
                        **error_responses(400, 404),
                    },
                }
            },
            "/knowledge/products/{product_id}/similar": {
                "get": {
                    "operationId": "getSimilarProducts",
                    "summary": "Up to five published products most like a published one in text",
                    "description": "More like this: the products sharing most of the product's "
                    "most telling words (title words count most), from the search index.",
                    "security": [],
                    "parameters": [PRODUCT_ID],
                    "responses": {
                        "200": {
                            "description": "The similar products.",
                            "content": _json("SimilarProducts"),
                        },
                        **error_responses(400, 404, 503),
                    },
                }
            },
        },
        SCHEMAS,
    )
