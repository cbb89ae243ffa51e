"""Account records: organisations, offices, users and token look-ups; adding an org or a user."""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portal.audit import record
from portal.auth.email_syntax import InvalidAddress, canonical_address
from portal.collation import sorted_by_name
from portal.countries import is_country
from portal.db import utcnow
from portal.errors import InputError
from portal.models import OFFICE_TYPES, ORG_KINDS, ROLES, ApiToken, Office, Organisation, User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")

# The builders below (create_organisation, add_office, create_user, issue_api_token) check their
# rules and flush but write no audit row: demo data and test fixtures seed with them. Every door
# (web, command line, API) goes through the actions instead (add_organisation, add_user, and those
# in passwords, tokens and account_requests), which call a builder and record the change.


def normalise_email(email: str) -> str:
    """Validate an address's syntax (no DNS look-up) and return it in canonical lower case."""
    try:
        return canonical_address(email)
    except InvalidAddress as error:
        raise InputError("Invalid e-mail address %(email)s.", email=email.strip()[:80]) from error


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError("The password must have at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)


def hash_password(password: str, hash_method: str) -> str:
    check_password_strength(password)
    return generate_password_hash(password, method=hash_method)


# Organisations and offices


def all_organisations(session: Session) -> list[Organisation]:
    """Every organisation, in the alphabetical order of its name."""
    return sorted_by_name(session.scalars(select(Organisation)), lambda org: org.name)


def organisation_by_code(session: Session, code: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise InputError("Unknown organisation code %(code)s.", code=code)
    return org


def create_organisation(
    session: Session, code: str, name: str, kind: str, country: str | None = None
) -> Organisation:
    """Add an organisation; the code is its stable identifier in files and on the command line."""
    if not _CODE.match(code):
        raise InputError(
            "Organisation code %(code)s must be 1-40 letters, digits, dots, dashes or underscores.",
            code=code,
        )
    if kind not in ORG_KINDS:
        raise InputError(
            "Unknown organisation kind %(kind)s; use one of %(kinds)s.",
            kind=kind,
            kinds=", ".join(ORG_KINDS),
        )
    if country is not None and not is_country(country):
        raise InputError("Unknown country code %(code)s (ISO 3166 alpha-3).", code=country)
    if not name.strip():
        raise InputError("The organisation needs a name.")
    if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise InputError("An organisation with code %(code)s already exists.", code=code)
    org = Organisation(code=code, name=name.strip(), kind=kind, country=country)
    session.add(org)
    session.flush()
    return org


def add_organisation(
    session: Session,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    country: str | None = None,
) -> Organisation:
    """The action: add an organisation and record it (the command line, account approval)."""
    org = create_organisation(session, code, name, kind, country)
    record(
        session,
        actor,
        "auth.organisation_created",
        "organisation",
        org.id,
        kind=kind,
        country=country,
    )
    session.flush()
    return org


def add_office(
    session: Session, org: Organisation, office_type: str, duty_station: str | None, name: str
) -> Office:
    if office_type not in OFFICE_TYPES:
        raise InputError("Unknown office type %(type)s.", type=office_type)
    if duty_station is not None and not is_country(duty_station):
        raise InputError("Unknown country code %(code)s (ISO 3166 alpha-3).", code=duty_station)
    office = Office(organisation=org, office_type=office_type, duty_station=duty_station, name=name)
    session.add(office)
    session.flush()
    return office


# Users


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def existing_user(session: Session, email: str) -> User:
    """The account with that e-mail, or an InputError naming the address."""
    user = user_by_email(session, email)
    if user is None:
        raise InputError("No account with e-mail %(email)s.", email=email)
    return user


def create_user(
    session: Session,
    email: str,
    role: str,
    *,
    hash_method: str,
    org_code: str | None = None,
    name: str = "",
    password: str | None = None,
    locale: str | None = None,
) -> User:
    """Add an account. Partners and contributors belong to an organisation."""
    address = normalise_email(email)
    if role not in ROLES:
        raise InputError(
            "Unknown role %(role)s; use one of %(roles)s.", role=role, roles=", ".join(ROLES)
        )
    org = organisation_by_code(session, org_code) if org_code else None
    if role in ("partner", "contributor") and org is None:
        raise InputError("A %(role)s account needs an organisation (--org).", role=role)
    if session.scalar(select(User.id).where(func.lower(User.email) == address)) is not None:
        raise InputError("An account with e-mail %(email)s already exists.", email=address)
    user = User(email=address, role=role, organisation=org, name=name.strip(), locale=locale)
    if password is not None:
        user.password_hash = hash_password(password, hash_method)
    session.add(user)
    session.flush()
    return user


def add_user(
    session: Session,
    actor: User | None,
    email: str,
    role: str,
    *,
    hash_method: str,
    org_code: str | None = None,
    name: str = "",
    password: str | None = None,
    locale: str | None = None,
) -> User:
    """The action: add an account and record it (the command line, account approval)."""
    user = create_user(
        session,
        email,
        role,
        hash_method=hash_method,
        org_code=org_code,
        name=name,
        password=password,
        locale=locale,
    )
    record(
        session,
        actor,
        "auth.user_created",
        "user",
        user.id,
        role=user.role,
        organisation_id=user.organisation_id,
        password_set=user.password_hash is not None,
    )
    session.flush()
    return user


def user_for_session_id(session: Session, session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


# API tokens (the actions that create and revoke them are in portal.auth.tokens)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token(session: Session, user: User, label: str = "") -> tuple[ApiToken, str]:
    """Store a new token's hash; the token itself is returned this once and never kept."""
    token = "unv_" + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_token_hash(token), label=label[:100])
    session.add(row)
    session.flush()
    return row, token


def issue_api_token(session: Session, user: User, label: str = "") -> str:
    """Create a personal API token; only its hash is kept, so this is the one time it is seen."""
    return new_api_token(session, user, label)[1]


def user_for_api_token(session: Session, token: str) -> User | None:
    if not token.startswith("unv_") or len(token) > 100:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def remember_locale(user: User, locale: str) -> bool:
    """Keep the interface language the user last browsed in, for the mails sent to them.

    A preference, like the time of the last sign-in: it changes no right, so it is not audited.
    Returns whether it changed (the caller writes only then).
    """
    if user.locale == locale:
        return False
    user.locale = locale
    return True
