"""A number too large for the database in any id of a path is a 404, never an overflow (500)."""

from __future__ import annotations

import re

import pytest

from portal.routing import MAX_ID
from tests.factories import make_user

HUGE = ["2147483648", "9223372036854775808", "99999999999999999999"]
_INT_PART = re.compile(r"<int:([a-z_]+)>")


def _int_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if _INT_PART.search(rule.rule)
        for method in sorted((rule.methods or set()) & {"GET", "POST"})
    )


def test_every_path_with_an_id_bounds_it(app) -> None:
    routes = _int_routes(app)
    assert len(routes) >= 20, routes  # the walk below must cover the portal's id routes
    for rule in app.url_map.iter_rules():
        for name in _INT_PART.findall(rule.rule):
            assert rule._converters[name].max == MAX_ID  # noqa: SLF001


@pytest.mark.parametrize("number", HUGE)
def test_huge_ids_answer_404_to_staff_and_anonymous_alike(app, client, session, auth, number):
    admin = make_user(session, "admin")
    session.commit()
    for signed_in in (False, True):
        if signed_in:
            auth.login(admin.email)
        for rule, method in _int_routes(app):
            path = _INT_PART.sub(number, rule)
            path = re.sub(r"<[^>]+>", "csv", path)  # other parts (formats) get a plain value
            response = client.open(path, method=method)
            assert response.status_code < 500, (method, path, response.status_code)
            if method == "GET":
                assert response.status_code in (302, 401, 403, 404), (path, response.status_code)
