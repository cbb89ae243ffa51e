"""Accounts: organisations, users, passwords, API tokens, password resets and account requests."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal.countries import is_country
from portal.db import utcnow
from portal.errors import InputError, NotFound
from portal.models import (
    OFFICE_TYPES,
    ORG_KINDS,
    ROLES,
    AccountRequest,
    ApiToken,
    AuditEvent,
    Office,
    Organisation,
    User,
)

MIN_PASSWORD_LENGTH = 12
RESET_MAX_AGE_S = 3600
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
# Checked when no account matches, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASHES: dict[str, str] = {}


def normalise_email(email: str) -> str:
    """Validate an address's syntax (no DNS look-up) and return it in canonical lower case."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InputError("Invalid e-mail address %(email)s.", email=email.strip()[:80]) from error
    return result.normalized.lower()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > 256:
        raise InputError("The password must have at most %(n)s characters.", n=256)


def all_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


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
        check_password_strength(password)
        user.password_hash = generate_password_hash(password, method=hash_method)
    session.add(user)
    session.flush()
    return user


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(session: Session, email: str, password: str, *, hash_method: str) -> User | None:
    """The active user with that e-mail and password, or None (same work either way)."""
    user = user_by_email(session, email)
    if user is None or not user.password_hash or not user.active:
        dummy = _DUMMY_HASHES.setdefault(
            hash_method, generate_password_hash(secrets.token_hex(8), method=hash_method)
        )
        check_password_hash(dummy, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def set_password(session: Session, user: User, password: str, *, hash_method: str) -> None:
    """Change the password and end every session opened with the old one."""
    check_password_strength(password)
    user.password_hash = generate_password_hash(password, method=hash_method)
    user.session_version += 1
    session.flush()


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every signed session cookie issued to this user (logout, even when replayed)."""
    user.session_version += 1
    session.flush()


def user_for_session_id(session: Session, session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(session: Session, user: User, label: str = "") -> str:
    """Create a personal API token; only its hash is kept, so this is the one time it is seen."""
    token = "unv_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=_token_hash(token), label=label[:100]))
    session.flush()
    return token


def user_for_api_token(session: Session, token: str) -> User | None:
    if not token.startswith("unv_") or len(token) > 100:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def revoke_api_token(session: Session, user: User, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(token_id)
    row.revoked_at = utcnow()
    session.flush()


def api_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        )
    )


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Ties the link to the current password: once used (or the password changes) it stops working.
    material = f"{user.password_hash or ''}:{user.session_version}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def password_reset_token(user: User, secret_key: str) -> str:
    return _reset_serializer(secret_key).dumps({"u": user.id, "f": _password_fingerprint(user)})


def user_for_reset_token(session: Session, token: str, secret_key: str) -> User | None:
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=RESET_MAX_AGE_S)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(data.get("f")), _password_fingerprint(user)):
        return None
    return user


@dataclass(frozen=True)
class AccountRequestInput:
    email: str
    name: str
    organisation_name: str
    organisation_kind: str
    country: str | None
    reason: str
    locale: str | None


def submit_account_request(session: Session, data: AccountRequestInput) -> AccountRequest:
    address = normalise_email(data.email)
    if data.organisation_kind not in ORG_KINDS or data.organisation_kind == "unv":
        raise InputError("Unknown organisation kind %(kind)s.", kind=data.organisation_kind)
    if data.country and not is_country(data.country):
        raise InputError("Unknown country code %(code)s (ISO 3166 alpha-3).", code=data.country)
    request = AccountRequest(
        email=address,
        name=data.name.strip()[:200],
        organisation_name=data.organisation_name.strip()[:200],
        organisation_kind=data.organisation_kind,
        country=data.country or None,
        reason=data.reason.strip()[:2000],
        locale=data.locale,
    )
    session.add(request)
    session.flush()
    return request


def pending_account_requests(session: Session) -> list[AccountRequest]:
    return list(
        session.scalars(
            select(AccountRequest)
            .where(AccountRequest.state == "pending")
            .order_by(AccountRequest.created_at)
        )
    )


def _new_org_code(session: Session, name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").upper()[:30] or "ORG"
    code, n = stem, 1
    while session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        n += 1
        code = f"{stem}-{n}"
    return code


def approve_account_request(
    session: Session, request_id: int, actor: User, org_code: str | None, *, hash_method: str
) -> User:
    """Create the contributor account (and its organisation unless an existing one is chosen)."""
    request = session.get(AccountRequest, request_id)
    if request is None or request.state != "pending":
        raise NotFound(request_id)
    if org_code:
        org = organisation_by_code(session, org_code)
    else:
        org = create_organisation(
            session,
            _new_org_code(session, request.organisation_name),
            request.organisation_name,
            request.organisation_kind,
            request.country,
        )
    user = create_user(
        session,
        request.email,
        "contributor",
        hash_method=hash_method,
        org_code=org.code,
        name=request.name,
        locale=request.locale,
    )
    request.state, request.decided_at, request.decided_by_id = "approved", utcnow(), actor.id
    request.user_id = user.id
    session.add(
        AuditEvent(
            actor_id=actor.id,
            action="account_request.approved",
            object_type="account_request",
            object_id=request.id,
        )
    )
    session.flush()
    return user


def decline_account_request(session: Session, request_id: int, actor: User) -> AccountRequest:
    request = session.get(AccountRequest, request_id)
    if request is None or request.state != "pending":
        raise NotFound(request_id)
    request.state, request.decided_at, request.decided_by_id = "declined", utcnow(), actor.id
    session.add(
        AuditEvent(
            actor_id=actor.id,
            action="account_request.declined",
            object_type="account_request",
            object_id=request.id,
        )
    )
    session.flush()
    return request
