"""Warm-ups run once per serving process: as `portal serve` or `portal worker` starts, or at the
first request of another WSGI server's process; never in tests, never for one-off commands."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask

from knowledge.search.engine import SearchIndex
from portal import create_app, warm_up
from portal.db import create_schema


@pytest.fixture(autouse=True)
def _no_real_search_warm_up(monkeypatch: pytest.MonkeyPatch) -> list[SearchIndex]:
    """Search's warm-up loads jieba's dictionary (about 100 MB): recorded here instead."""
    warmed: list[SearchIndex] = []
    monkeypatch.setattr(SearchIndex, "warm", lambda index: warmed.append(index))
    return warmed


def _app(tmp_path: Path, **config: object) -> Flask:
    settings: dict[str, object] = {
        "TESTING": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "SECRET_KEY": "test-secret-key",
        "PORTAL_DATA_DIR": str(tmp_path / "data"),
    }
    return create_app({**settings, **config})


def _counting(app: Flask) -> list[str]:
    runs: list[str] = []
    done = threading.Event()

    def warm(warmed: Flask) -> None:
        runs.append(warmed.name)
        done.set()

    warm_up.register(app, "counting", warm)
    app.extensions["test_warm_done"] = done
    return runs


def test_a_wsgi_process_warms_up_once_at_its_first_request(tmp_path: Path) -> None:
    app = _app(tmp_path)
    runs = _counting(app)
    client = app.test_client()
    assert runs == []  # creating the app (as every command does) starts nothing
    client.get("/healthz")
    assert app.extensions["test_warm_done"].wait(10)
    client.get("/healthz")
    client.get("/")
    assert runs == [app.name]


def test_start_runs_each_warm_up_once_and_survives_a_failing_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = _app(tmp_path)
    runs = _counting(app)

    def broken(_app: Flask) -> None:
        raise OSError("index damaged")

    warm_up.register(app, "broken", broken)
    threads = warm_up.start(app)
    for thread in threads:
        thread.join(10)
    names = [thread.name for thread in threads]
    assert names == ["warm-up-search", "warm-up-counting", "warm-up-broken"]
    assert warm_up.start(app) == []
    assert runs == [app.name]
    assert "warm-up broken failed" in caplog.text


def test_a_one_off_command_does_not_warm_up(tmp_path: Path) -> None:
    app = _app(tmp_path)
    runs = _counting(app)
    create_schema(app)
    result = app.test_cli_runner().invoke(args=["portal", "outbox", "list"])
    assert result.exit_code == 0, result.output
    assert not app.extensions["test_warm_done"].wait(0.5)
    assert runs == []


def test_tests_do_not_warm_up_at_requests(tmp_path: Path) -> None:
    app = _app(tmp_path, TESTING=True)
    runs = _counting(app)
    app.test_client().get("/healthz")
    assert not app.extensions["test_warm_done"].wait(0.5)
    assert runs == []


def test_the_search_index_is_warmed_up_at_the_first_request(
    tmp_path: Path, _no_real_search_warm_up: list[SearchIndex]
) -> None:
    app = _app(tmp_path)
    _counting(app)
    app.test_client().get("/healthz")
    assert app.extensions["test_warm_done"].wait(10)
    for thread in threading.enumerate():
        if thread.name == "warm-up-search":
            thread.join(10)
    assert len(_no_real_search_warm_up) == 1
