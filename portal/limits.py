"""Rate limits on logins and token look-ups (Flask-Limiter; Redis storage when several workers).

Limits count failures only and are keyed so that strangers cannot turn them against a user: sign-in
failures count per client address and per (account, address) pair, never per account alone, so a
correct password from an address that has not failed is never refused; survey-link look-ups count
unknown links per address, and a valid link is never refused because of them.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def login_pair_limit() -> str:
    return str(current_app.config["LOGIN_PAIR_RATE_LIMIT"])


def token_limit() -> str:
    return str(current_app.config["TOKEN_RATE_LIMIT"])


def login_pair_key() -> str:
    """One account guessed from one address: a growing wait for that pair only."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"login-pair:{get_remote_address()}:{email}"


def failures_exceeded(scope: str, limit: str) -> bool:
    """Whether this client address has used up `limit` failures in `scope` (nothing counted)."""
    if not limiter.enabled:
        return False
    key = f"{scope}:{get_remote_address()}"
    return not all(limiter.limiter.test(item, key) for item in parse_many(limit))


def count_failure(scope: str, limit: str) -> None:
    """Count one failure of this client address in `scope` against every window of `limit`."""
    if limiter.enabled:
        key = f"{scope}:{get_remote_address()}"
        for item in parse_many(limit):
            limiter.limiter.hit(item, key)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
