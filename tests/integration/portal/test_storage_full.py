"""A full disk is a 503 that says so (nothing saved), not a generic 500, on pages and the API."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from portal.auth.enforce import public


def _failing(error: BaseException):
    @public
    def view():
        raise error

    return view


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OperationalError("INSERT ...", {}, sqlite3.OperationalError("database or disk is full")),
    ],
    ids=["filesystem", "sqlite"],
)
def test_a_full_disk_is_named_on_the_page_and_in_the_api(app, error, caplog) -> None:
    app.add_url_rule("/full", "full_page", _failing(error))
    app.add_url_rule("/api/v1/full", "full_api", _failing(error))
    client = app.test_client()

    page = client.get("/full")
    api = client.get("/api/v1/full")

    assert page.status_code == api.status_code == 503
    assert "run out of storage space" in page.get_data(as_text=True)
    assert "run out of storage space" in api.get_json()["error"]
    assert any(record.levelname == "CRITICAL" for record in caplog.records)


def test_other_errors_stay_a_plain_500(app) -> None:
    app.add_url_rule("/boom", "boom", _failing(RuntimeError("no")))
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "storage" not in response.get_data(as_text=True)
