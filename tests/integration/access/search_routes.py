"""Routes of the search: the public search API (`/knowledge/` is in knowledge_routes)."""

from __future__ import annotations

from tests.integration.access import EVERYONE, Case

CASES = [
    Case(
        "/api/v1/knowledge/search",
        "GET",
        EVERYONE,
        "/api/v1/knowledge/search?q=volunteer&type=report&page=1&per_page=5",
    ),
]
