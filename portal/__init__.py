"""The UNV Results Portal: the application factory, the composition root of every feature."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from portal.settings import SettingsError

PACKAGE = Path(__file__).resolve().parent
#: A source checkout (pyproject.toml beside the package) keeps its instance folder in the checkout;
#: an installed package uses ./instance unless PORTAL_INSTANCE says otherwise.
ROOT = PACKAGE.parent if (PACKAGE.parent / "pyproject.toml").is_file() else Path.cwd()

csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; nothing here migrates, sleeps or calls the network."""
    from portal import (
        account_cli,
        api,
        backup_cli,
        cli,
        db,
        errors,
        i18n,
        input_guard,
        labels,
        limits,
        logs,
        navigation,
        openapi,
        operations_cli,
        routing,
        security,
        views,
        warm_up,
        work,
        worker,
    )
    from portal.auth import language, permissions
    from portal.auth import views as auth_views
    from portal.settings import load_settings

    overrides = dict(config or {})
    instance_path = Path(
        overrides.pop("INSTANCE_PATH", None)
        or os.environ.get("PORTAL_INSTANCE")
        or ROOT / "instance"
    )
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PACKAGE / "templates"),
        static_folder=str(PACKAGE / "static"),
    )
    app.config.update(load_settings(instance_path, overrides))
    logs.init_app(app)  # first, so that everything after logs through the one configuration
    app.config.setdefault("TRANSLATIONS_DIR", str(Path(__file__).parent / "translations"))

    routing.init_app(app)
    db.init_app(app)
    security.init_app(app)
    input_guard.init_app(app)  # before CSRF: a NUL in the token field is named, not a 500
    csrf.init_app(app)
    i18n.init_app(app)
    limits.init_app(app)
    _init_login(app)
    errors.init_app(app)
    navigation.init_app(app)
    labels.init_app(app)
    language.init_app(app)
    cli.init_app(app)
    account_cli.init_app(app)
    operations_cli.init_app(app)
    backup_cli.init_app(app)
    worker.init_app(app)
    warm_up.init_app(app)

    app.register_blueprint(views.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(api.bp)
    openapi.init_app(app)
    navigation.register(app, "portal.home", _l("Home"), lambda user: True, 0)
    navigation.register(
        app,
        "auth.account_requests",
        _l("Account requests"),
        permissions.can_decide_account_requests,
        80,
    )
    navigation.register(
        app,
        "auth.organisation_list",
        _l("Organisations"),
        permissions.can_merge_organisations,
        82,
    )
    navigation.register(app, "portal.outbox_page", _l("Outgoing mail"), permissions.is_staff, 84)
    navigation.register(app, "auth.user_list", _l("Accounts"), permissions.can_manage_users, 86)
    navigation.register(
        app, "auth.audit_events", _l("Audit log"), permissions.can_read_audit_log, 88
    )
    work.register_count(
        app,
        "account_requests",
        _l("Account requests"),
        "auth.account_requests",
        permissions.can_decide_account_requests,
        work.pending_account_requests,
        20,
    )
    work.register_count(
        app,
        "failed_mails",
        _l("Failed mails"),
        "portal.outbox_page",
        permissions.is_staff,
        work.failed_mails,
        40,
    )

    _init_features(app)
    return app


def _init_features(app: Flask) -> None:
    """Each feature named in PORTAL_FEATURES plugs in its blueprints, CLI, navigation and indicator
    providers; the results layer comes last and meets them only through their providers.

    Features are found by name, as plug-ins: the core imports none of them (an import-linter
    contract keeps it so).
    """
    for name in [*app.config["PORTAL_FEATURES"], "portal.results"]:
        try:
            init = getattr(importlib.import_module(name), "init_app", None)
        except ModuleNotFoundError as error:
            raise SettingsError(f"PORTAL_FEATURES: no package {name}") from error
        if init is None:
            raise SettingsError(f"PORTAL_FEATURES: {name} has no init_app(app)")
        init(app)


def _init_login(app: Flask) -> None:
    from portal.auth import accounts
    from portal.db import db_session

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    def _load(session_id: str) -> Any:
        return accounts.user_for_session_id(db_session(), session_id)

    def _bearer(request: Any) -> Any:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not request.path.startswith("/api/"):
            return None
        return accounts.user_for_api_token(db_session(), header[7:].strip())

    login_manager.user_loader(_load)
    login_manager.request_loader(_bearer)
