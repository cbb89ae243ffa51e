"""The `auth` blueprint and what its views share: the signed-in actor and two settings."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import current_user

from portal.models import User

bp = Blueprint("auth", __name__)


def hash_method() -> str:
    return str(current_app.config["PASSWORD_HASH_METHOD"])


def secret_key() -> str:
    return str(current_app.config["SECRET_KEY"])


def me() -> User:
    """The signed-in user, as the model (the actor the views hand to actions)."""
    user: User = current_user._get_current_object()
    return user
