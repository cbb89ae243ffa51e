"""Small factories for tests: they flush, the test decides when to commit."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from portal.auth import accounts
from portal.models import Organisation, User
from tests.conftest import FAST_HASH, PASSWORD

_counter = itertools.count(1)


def make_org(
    session: Session, kind: str = "un_entity", code: str | None = None, **kw
) -> Organisation:
    code = code or f"ORG{next(_counter)}"
    return accounts.create_organisation(
        session, code, kw.get("name", f"Organisation {code}"), kind, kw.get("country")
    )


def make_user(
    session: Session,
    role: str = "staff",
    org: Organisation | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    if org is None and role in ("partner", "contributor"):
        org = make_org(session, "un_entity" if role == "partner" else "cso")
    email = email or f"{role}{next(_counter)}@example.org"
    return accounts.create_user(
        session,
        email,
        role,
        hash_method=FAST_HASH,
        org_code=org.code if org else None,
        name=f"Test {role}",
        password=password,
    )
