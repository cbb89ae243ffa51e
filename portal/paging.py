"""One page of a long list (users, audit events): its rows, its number and the total behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PAGE = 1_000_000  # a page number beyond any list; also keeps OFFSET within 64 bits


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(session: Session, query: Select[Any], number: int, per_page: int) -> Page[Any]:
    """The rows of page `number` (from 1) of `query`, which must already be ordered.

    A page past the end shows the last one, so a list that shrank never shows an empty page.
    """
    total = int(
        session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages, MAX_PAGE)
    rows = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(rows, number, per_page, total)
