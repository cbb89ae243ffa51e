"""Fixtures of the results tests: signed-in clients and the app's reporting settings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.results.reporting import ReportingConfig, reporting_config
from tests.conftest import Auth
from tests.factories import make_org, make_user


@pytest.fixture
def config(app: Flask) -> ReportingConfig:
    return reporting_config(app)


@pytest.fixture
def signed_in(app: Flask, session: Session, client: FlaskClient, auth: Auth) -> Callable:
    """signed_in("staff") creates a user of that role, commits and signs the client in."""

    def sign_in(role: str, org_kind: str | None = None) -> FlaskClient:
        org = make_org(session, org_kind) if org_kind else None
        user = make_user(session, role, org=org)
        session.commit()
        auth.login(user.email)
        return client

    return sign_in
