"""What a search returns, and the errors callers are expected to handle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup


class SearchUnavailable(RuntimeError):
    """The index is missing or damaged: show "temporarily unavailable" (HTTP 503) and reindex."""


class IndexBusy(RuntimeError):
    """Another writer held the index for longer than the wait allowed: retry later."""


@dataclass(frozen=True)
class SearchHit:
    """One product in a result page; ``snippet`` and ``title_html`` are safe HTML."""

    id: int
    title: str
    title_html: Markup
    snippet: Markup
    language: str
    product_type: str
    year: int
    publication_date: dt.date
    score: float | None


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, facet counts over all filtered matches, and maybe a spelling suggestion.

    ``facets`` maps each facet name (``type``, ``language``, ``sdg``, ``country``, ``org_kind``,
    ``year``) to ``{code: count}`` ordered by count, most first; codes are strings (``"5"`` for
    SDG 5, ``"KEN"``, ``"2024"``).
    """

    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    sort: str = "relevance"
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1
