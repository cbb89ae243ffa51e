"""The list of accounts administrators search: by name or e-mail, role, organisation and state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Organisation, User
from portal.paging import Page, paginate

PER_PAGE = 50


@dataclass(frozen=True)
class UserFilters:
    """Empty or None: no filter. `text` is searched in names and e-mail addresses."""

    text: str = ""
    role: str | None = None
    org_code: str | None = None
    active: bool | None = None


def find_users(
    session: Session, filters: UserFilters, page: int = 1, per_page: int = PER_PAGE
) -> Page[User]:
    """Accounts matching every filter, by e-mail address."""
    query = select(User).options(selectinload(User.organisation))
    text = filters.text.strip().lower()
    if text:
        query = query.where(
            or_(
                func.lower(User.email).contains(text, autoescape=True),
                func.lower(User.name).contains(text, autoescape=True),
            )
        )
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.org_code:
        query = query.join(Organisation, User.organisation_id == Organisation.id).where(
            Organisation.code == filters.org_code
        )
    if filters.active is not None:
        query = query.where(User.active.is_(filters.active))
    return paginate(session, query.order_by(User.email, User.id), page, per_page)
