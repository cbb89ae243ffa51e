"""Control characters (a NUL above all, a 500 on PostgreSQL before) are refused with a 400 that
names the field, before any view or the database sees them; tab and new line stay allowed."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_from


def test_a_nul_in_a_form_field_is_a_400_naming_the_field(app, client, caplog) -> None:
    token = csrf_from(client, "/login")
    response = client.post(
        "/login",
        data={"email": "ana\x00@example.org", "password": "x", "csrf_token": token},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“email” contains a control character" in page
    assert "ana" not in caplog.text


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/knowledge/?q=water%00", "q"),
        ("/api/v1/knowledge/search?q=a%01b", "q"),
        ("/password/forgot?x%00=1", "x"),
        ("/knowledge/%00", "path"),
    ],
)
def test_control_characters_in_queries_and_paths_are_named(client, path, field) -> None:
    response = client.get(path)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    if path.startswith("/api/"):
        assert f"“{field}” contains a control character" in response.get_json()["error"]
    else:
        assert f"“{field}” contains a control character" in body


def test_tabs_and_new_lines_stay_allowed(client) -> None:
    token = csrf_from(client, "/login")
    response = client.post(
        "/login",
        data={
            "email": "ana@example.org",
            "password": "two\tparts\nand\r\nlines",
            "csrf_token": token,
        },
    )
    assert response.status_code == 401
