"""Every setting of the portal, declared once with its type, default and meaning."""

from __future__ import annotations

import os
import secrets
import socket
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _int(value: Any) -> int:
    return int(value)


def _float(value: Any) -> float:
    return float(value)


def _str(value: Any) -> str:
    return str(value)


def _list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(",") if part.strip()]


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[Any], Any]
    default: Any
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", _str, None, "SQLAlchemy URL; default SQLite under the instance folder"),
    Setting(
        "SECRET_KEY", _str, None, "session and CSRF signing; generated into instance/secret_key"
    ),
    Setting(
        "PORTAL_DATA_DIR", _str, None, "uploaded files and the search index; default instance/"
    ),
    Setting(
        "PORTAL_SEARCH_DIR", _str, None, "this node's search index; default PORTAL_DATA_DIR/search"
    ),
    Setting(
        "SMTP_URL", _str, "", "smtp://user:pass@host:port or smtps://; unset writes .eml files"
    ),
    Setting("MAIL_FROM", _str, "UNV Results Portal <no-reply@unv.org>", "sender of every mail"),
    Setting("PORTAL_SUPPRESS_BELOW", _int, 5, "minimum valid answers behind a published figure"),
    Setting("PORTAL_MAX_UPLOAD_MB", _int, 50, "largest accepted knowledge-product file"),
    Setting("PORTAL_RATING_TOLERANCE", _float, 0.05, "relative shortfall still rated green"),
    Setting(
        "PORTAL_GLOBAL_SOUTH_FLAG", _str, "developing_2017", "M49 column defining Global South"
    ),
    Setting(
        "PORTAL_PURGE_CONTACTS_DAYS", _int, 90, "days after a campaign closes to purge contacts"
    ),
    Setting("PORTAL_INVITATION_DAYS", _int, 60, "days an invitation link stays valid"),
    Setting(
        "PORTAL_REMINDER_DAYS",
        _int,
        7,
        "days between automatic reminders to invitees who have not answered (0: none)",
    ),
    Setting(
        "PORTAL_FEATURES",
        _list,
        ["surveys", "knowledge"],
        "feature packages plugged in by name (each exposes init_app); the core never imports them",
    ),
    Setting("BASE_URL", _str, "http://127.0.0.1:5000", "public root URL used in every mailed link"),
    Setting("TRUSTED_HOSTS", _list, [], "host names accepted in the Host header (empty: any)"),
    Setting(
        "TRUSTED_PROXIES",
        _int,
        0,
        "reverse proxies in front of the portal whose X-Forwarded-For/-Proto/-Host/-Prefix count",
    ),
    Setting(
        "SESSION_COOKIE_SECURE", _bool, None, "HTTPS-only cookies; default: when BASE_URL is https"
    ),
    Setting("SESSION_HOURS", _int, 8, "lifetime of a login session in hours"),
    Setting(
        "PASSWORD_HASH_METHOD", _str, "scrypt:131072:8:1", "Werkzeug hash method (OWASP N=2^17)"
    ),
    Setting("RATELIMIT_ENABLED", _bool, True, "rate-limit logins and token look-ups"),
    Setting(
        "RATELIMIT_STORAGE_URI", _str, "memory://", "Flask-Limiter storage; redis:// with workers"
    ),
    Setting(
        "LOGIN_RATE_LIMIT", _str, "10 per minute;50 per hour", "failed sign-ins per client address"
    ),
    Setting(
        "LOGIN_PAIR_RATE_LIMIT",
        _str,
        "5 per minute;20 per hour;50 per day",
        "failed sign-ins per (account, client address): waits grow, the account is never locked",
    ),
    Setting("TOKEN_RATE_LIMIT", _str, "30 per minute", "unknown survey links per client address"),
    Setting("TESTING", _bool, False, "test mode (Flask)"),
    Setting(
        "PORTAL_LOG_FORMAT",
        _str,
        None,
        "json or text; default: text in debug or test mode, else json",
    ),
    Setting("PORTAL_LOG_LEVEL", _str, "INFO", "lowest level logged: DEBUG, INFO, WARNING or ERROR"),
    Setting("PORTAL_NODE", _str, None, "this node's name in worker heartbeats; default host name"),
    Setting(
        "PORTAL_METADATA_LICENCE",
        _str,
        "CC0-1.0",
        "SPDX licence of the catalogue's metadata in bulk exports (files keep their own)",
    ),
    Setting(
        "PORTAL_MIN_FREE_MB",
        _int,
        500,
        "free space under PORTAL_DATA_DIR below which health degrades",
    ),
)

LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _toml_settings(instance_path: Path) -> dict[str, Any]:
    path = instance_path / "portal.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def load_settings(
    instance_path: Path, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Resolve every setting: overrides, then environment, then portal.toml, then default."""
    overrides = dict(overrides or {})
    from_file = _toml_settings(instance_path)
    resolved: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            raw = overrides.pop(setting.name)
        elif setting.name in os.environ:
            raw = os.environ[setting.name]
        elif setting.name in from_file:
            raw = from_file[setting.name]
        else:
            resolved[setting.name] = setting.default
            continue
        try:
            resolved[setting.name] = None if raw is None else setting.parse(raw)
        except (TypeError, ValueError) as error:
            raise SettingsError(f"setting {setting.name}: {error}") from error
    resolved.update(overrides)  # Flask's own keys passed by tests or callers
    _fill_instance_defaults(instance_path, resolved)
    return resolved


def _fill_instance_defaults(instance_path: Path, resolved: dict[str, Any]) -> None:
    if not resolved["DATABASE_URL"]:
        resolved["DATABASE_URL"] = f"sqlite:///{instance_path / 'portal.db'}"
    if not resolved["PORTAL_NODE"]:
        resolved["PORTAL_NODE"] = socket.gethostname()[:100]
    if not resolved["PORTAL_DATA_DIR"]:
        resolved["PORTAL_DATA_DIR"] = str(instance_path)
    if not resolved["SECRET_KEY"]:
        resolved["SECRET_KEY"] = _instance_secret(instance_path)
    if resolved["SESSION_COOKIE_SECURE"] is None:
        resolved["SESSION_COOKIE_SECURE"] = str(resolved["BASE_URL"]).startswith("https://")
    if resolved["TRUSTED_PROXIES"] < 0:
        raise SettingsError("setting TRUSTED_PROXIES: must be 0 or more")
    if resolved["PORTAL_SUPPRESS_BELOW"] < 1:
        raise SettingsError("setting PORTAL_SUPPRESS_BELOW: must be at least 1")
    _check_logging(resolved)


def _check_logging(resolved: dict[str, Any]) -> None:
    log_format = resolved["PORTAL_LOG_FORMAT"]
    if log_format is not None:
        resolved["PORTAL_LOG_FORMAT"] = log_format = str(log_format).strip().lower()
        if log_format not in LOG_FORMATS:
            raise SettingsError(f"setting PORTAL_LOG_FORMAT: use one of {', '.join(LOG_FORMATS)}")
    level = str(resolved["PORTAL_LOG_LEVEL"]).strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"setting PORTAL_LOG_LEVEL: use one of {', '.join(LOG_LEVELS)}")
    resolved["PORTAL_LOG_LEVEL"] = level


def _instance_secret(instance_path: Path) -> str:
    """Read the generated secret key, creating it on first use (readable by the owner only)."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
