"""Passwords and sessions: signing in and out, reset links, asking for and making a reset."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal import mail
from portal.audit import record
from portal.auth.accounts import hash_password, user_by_email
from portal.db import utcnow
from portal.errors import NotFound
from portal.models import User

RESET_MAX_AGE_S = 3600
# Checked when no account matches, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASHES: dict[str, str] = {}


def authenticate(session: Session, email: str, password: str, *, hash_method: str) -> User | None:
    """The active user with that e-mail and password, or None (same work either way).

    Signing in changes no account state beyond the time of the last sign-in, so it is not audited.
    """
    user = user_by_email(session, email)
    if user is None or not user.password_hash or not user.active:
        # The same work as a real check: one hash of the same cost (made once per method; a
        # setdefault would hash twice on every call and make unknown addresses slower).
        if hash_method not in _DUMMY_HASHES:
            _DUMMY_HASHES[hash_method] = generate_password_hash(
                secrets.token_hex(8), method=hash_method
            )
        check_password_hash(_DUMMY_HASHES[hash_method], password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def sign_out(session: Session, user: User) -> None:
    """The action: end every session cookie issued to this user (even a replayed copy)."""
    user.session_version += 1
    record(session, user, "auth.signed_out", "user", user.id)
    session.flush()


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Ties the link to the current password: once used (or the password changes) it stops working.
    material = f"{user.password_hash or ''}:{user.session_version}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def password_reset_token(user: User, secret_key: str) -> str:
    return _reset_serializer(secret_key).dumps({"u": user.id, "f": _password_fingerprint(user)})


def reset_link(user: User, secret_key: str) -> str:
    """The mailed link to set a new password, built from BASE_URL."""
    return mail.absolute_url("auth.reset_password", token=password_reset_token(user, secret_key))


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


def request_password_reset(session: Session, email: str, *, secret_key: str) -> None:
    """The action: mail a reset link to an active account with that address.

    An unknown address changes nothing and sends nothing, and the caller answers the same either
    way: whether an address has an account is not told to whoever asks.
    """
    user = user_by_email(session, email)
    if user is None or not user.active:
        return
    record(session, None, "auth.password_reset_requested", "user", user.id)
    mail.queue(
        session, "password_reset", user.email, user.locale, link=reset_link(user, secret_key)
    )
    session.flush()


def reset_password(
    session: Session, token: str, password: str, *, secret_key: str, hash_method: str
) -> User:
    """The action: set a new password from a reset link; every older session and link ends."""
    user = user_for_reset_token(session, token, secret_key)
    if user is None:
        raise NotFound("password reset link")
    user.password_hash = hash_password(password, hash_method)
    user.session_version += 1
    record(session, user, "auth.password_reset", "user", user.id)
    session.flush()
    return user
