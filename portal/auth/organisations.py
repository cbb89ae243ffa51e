"""One organisation, once: proposing the existing match, readable new codes, merging duplicates.

Features own rows that name organisations (products, support records, survey invitations and
responses). The core never imports them: each registers a merge handler when it plugs in, and
`merge_organisations` calls every handler inside the one change it makes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import CursorResult, Delete, Update, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.audit import record
from portal.auth import org_names
from portal.countries import NAME_LANGUAGES, countries
from portal.errors import InputError, NotFound
from portal.markers import N_
from portal.models import AccountRequest, Office, Organisation, User

MergeHandler = Callable[[Session, int, int], int]
"""handler(session, duplicate_id, keep_id) -> rows moved; raises InputError on a conflict."""

_HANDLERS = "organisation_merge_handlers"


def register_merge_handler(app: Flask, name: str, handler: MergeHandler) -> None:
    """A feature moves its rows naming the duplicate organisation (or its offices) to the kept one.

    The handler runs before the core moves offices: `office_twins` tells which of the duplicate's
    offices become which office of the kept organisation. It may only flush, never commit.
    """
    handlers: dict[str, MergeHandler] = app.extensions.setdefault(_HANDLERS, {})
    if name in handlers:
        raise ValueError(f"a merge handler named {name} is already registered")
    handlers[name] = handler


def merge_handlers(app: Flask) -> dict[str, MergeHandler]:
    """Every registered handler by name, in registration order (a copy)."""
    return dict(app.extensions.get(_HANDLERS, {}))


# Matching


@cache
def _country_words() -> Mapping[str, Sequence[str]]:
    """Each country's names in the portal's languages, dropped from names when matching."""
    return {
        code: tuple(country.name(language) for language in NAME_LANGUAGES)
        for code, country in countries().items()
    }


def _named(org: Organisation) -> org_names.OrgName:
    return org_names.OrgName(org.id, org.name, org.kind, org.country)


def matching_organisations(
    session: Session, name: str, kind: str, country: str | None
) -> list[Organisation]:
    """Existing organisations with that name (as normalised) and no other country, best first."""
    orgs = {org.id: org for org in session.scalars(select(Organisation).order_by(Organisation.id))}
    wanted = org_names.OrgName(None, name, kind, country)
    found = org_names.matches(wanted, [_named(org) for org in orgs.values()], _country_words())
    return [orgs[match.key] for match in found if isinstance(match.key, int)]


def suggested_duplicates(session: Session) -> list[list[Organisation]]:
    """Groups of organisations that look like one: the oldest first in each group."""
    orgs = list(session.scalars(select(Organisation).order_by(Organisation.id)))
    by_id = {org.id: org for org in orgs}
    groups = org_names.duplicate_groups([_named(org) for org in orgs], _country_words())
    return [
        [by_id[member.key] for member in group if isinstance(member.key, int)] for group in groups
    ]


def new_organisation_code(session: Session, name: str, country: str | None) -> str:
    """A readable code no organisation has yet: initials (or abbreviation) and country."""
    taken = session.scalars(select(Organisation.code))
    return org_names.code_for(name, country, taken, _country_words().get(country or "", ()))


@dataclass(frozen=True)
class Proposal:
    """What the approval page offers for one request: its matches (best first) and a new code."""

    request: AccountRequest
    matches: list[Organisation]
    new_code: str


def approval_proposals(session: Session, requests: Sequence[AccountRequest]) -> list[Proposal]:
    return [
        Proposal(
            request,
            matching_organisations(
                session, request.organisation_name, request.organisation_kind, request.country
            ),
            new_organisation_code(session, request.organisation_name, request.country),
        )
        for request in requests
    ]


# Merging


def rows_changed(session: Session, statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed (for the merge counts)."""
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount or 0)


def office_twins(session: Session, duplicate_id: int, keep_id: int) -> dict[int, int]:
    """The duplicate's offices that the kept organisation also has (same type and duty station):
    duplicate office id -> kept office id. The others move to the kept organisation as they are."""
    kept = {
        (office.office_type, office.duty_station): office.id
        for office in session.scalars(select(Office).where(Office.organisation_id == keep_id))
    }
    return {
        office.id: kept[(office.office_type, office.duty_station)]
        for office in session.scalars(select(Office).where(Office.organisation_id == duplicate_id))
        if (office.office_type, office.duty_station) in kept
    }


def _organisation(session: Session, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(org_id)
    return org


def _move_core_rows(session: Session, duplicate_id: int, keep_id: int) -> dict[str, int]:
    twins = office_twins(session, duplicate_id, keep_id)
    users = rows_changed(
        session,
        update(User).where(User.organisation_id == duplicate_id).values(organisation_id=keep_id),
    )
    for old, new in twins.items():
        session.execute(update(User).where(User.office_id == old).values(office_id=new))
    session.execute(delete(Office).where(Office.id.in_(twins)))
    offices = rows_changed(
        session,
        update(Office)
        .where(Office.organisation_id == duplicate_id)
        .values(organisation_id=keep_id),
    )
    session.execute(delete(Organisation).where(Organisation.id == duplicate_id))
    return {"users": users, "offices": offices, "offices_joined": len(twins)}


def merge_organisations(
    session: Session,
    actor: User | None,
    duplicate_id: int,
    keep_id: int,
    *,
    handlers: Mapping[str, MergeHandler] | None = None,
) -> dict[str, int]:
    """The action: everything naming the duplicate moves to the kept organisation, which it joins.

    Users and offices move (an office the kept organisation also has is joined with it); each
    feature's handler moves its rows. A conflict refuses the whole merge: nothing has changed.
    Returns the rows moved by kind; audit: "auth.organisations_merged".
    """
    if duplicate_id == keep_id:
        raise InputError(N_("An organisation cannot be merged into itself."))
    duplicate, kept = _organisation(session, duplicate_id), _organisation(session, keep_id)
    steps = merge_handlers(current_app) if handlers is None else dict(handlers)
    session.flush()
    moved: dict[str, int] = {}
    try:
        with session.begin_nested():
            for name, handler in steps.items():
                moved[name] = handler(session, duplicate.id, kept.id)
            moved.update(_move_core_rows(session, duplicate.id, kept.id))
    except IntegrityError as error:
        raise InputError(
            N_("%(duplicate)s cannot be merged into %(keep)s: their records conflict."),
            duplicate=duplicate.code,
            keep=kept.code,
        ) from error
    session.expire_all()
    record(
        session,
        actor,
        "auth.organisations_merged",
        "organisation",
        keep_id,
        duplicate_id=duplicate_id,
        keep_id=keep_id,
        moved=moved,
    )
    session.flush()
    return moved
