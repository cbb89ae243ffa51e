"""Rate limits on logins and token look-ups (Flask-Limiter; Redis storage when several workers)."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def token_limit() -> str:
    return str(current_app.config["TOKEN_RATE_LIMIT"])


def login_email_key() -> str:
    # Throttles guessing against one account from many addresses as well.
    return "login-email:" + (request.form.get("email") or "").strip().lower()[:254]


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
