"""Every registered route, for every role and for anonymous visitors: allowed or denied."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import Flask

import tests.integration.access as access_package
from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_org, make_user
from tests.integration.access import ROLES, Case


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(access_package.__path__):
        cases += importlib.import_module(f"{access_package.__name__}.{module.name}").CASES
    return cases


def _routes(app: Flask) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((rule.rule, method))
    return routes


def _setup_users(app: Flask) -> dict[str, str]:
    from portal.db import database

    emails = {}
    with database(app).transaction() as session:
        partner_org = make_org(session, "un_entity", code="MATRIX-UN")
        contributor_org = make_org(session, "cso", code="MATRIX-CSO")
        staff_org = make_org(session, "unv", code="MATRIX-UNV")
        for role, org in (
            ("partner", partner_org),
            ("contributor", contributor_org),
            ("staff", staff_org),
            ("admin", staff_org),
        ):
            user = make_user(session, role, org=org, email=f"{role}@matrix.example.org")
            emails[role] = user.email
    return emails


def _denied(response, role: str) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    asked_to_sign_in = "/login?next=" in location
    return role == "anonymous" and response.status_code == 302 and asked_to_sign_in


def test_every_route_has_a_case(app: Flask) -> None:
    covered = {(case.rule, case.method) for case in _all_cases()}
    missing = sorted(_routes(app) - covered)
    assert not missing, f"routes without a routes x roles case: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_it_should(app: Flask, role: str) -> None:
    from portal.db import database

    _setup_users(app)
    failures = []
    for case in _all_cases():
        client = app.test_client()
        if role != "anonymous":
            token = csrf_from(client, "/login")
            login = client.post(
                "/login",
                data={
                    "email": f"{role}@matrix.example.org",
                    "password": PASSWORD,
                    "csrf_token": token,
                },
            )
            assert login.status_code == 302
        with database(app).transaction() as session:
            url = case.url(session, app) if callable(case.url) else case.url
        if case.method == "GET":
            response = client.get(url, buffered=True)
        else:
            data = dict(case.data, csrf_token=csrf_from(client, "/"))
            response = client.open(url, method=case.method, data=data, buffered=True)
        response.close()
        expected_allowed = role in case.allowed
        if _denied(response, role) == expected_allowed:
            failures.append(f"{case.method} {url}: {response.status_code} for {role}")
        assert response.status_code != 500, f"{case.method} {url} gave 500 for {role}"
    assert not failures, "\n".join(failures)
