"""The one logging configuration: request ids, JSON lines or text on stderr, nothing personal."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from flask import Flask

from portal import create_app
from portal.logs import JsonFormatter, StderrHandler

log = logging.getLogger("tests.portal.logging")
HEX_ID = re.compile(r"[0-9a-f]{32}")
SECRET_BITS = (
    "ana@mies.gob.ec",
    "tok3nFromALink",
    "r3setT0ken.x",
    "unv_AbCdEf0123456789",
    "s3cret",
)
EXPECTED_MESSAGE = (
    "mail for [email] at https://portal.example.org/s/[token]?lang=fr"
    " and /password/reset/[token] with Bearer [token] or [token]"
)


def _app(tmp_path: Path, **config: object) -> Flask:
    settings: dict[str, object] = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "SECRET_KEY": "test-secret-key",
        "PORTAL_DATA_DIR": str(tmp_path / "data"),
    }
    app = create_app({**settings, **config})

    @app.get("/logs-something")
    def logs_something() -> str:
        log.warning(
            "mail for %s at %s and /password/reset/%s with Bearer %s or %s",
            "ana@mies.gob.ec",
            "https://portal.example.org/s/tok3nFromALink?lang=fr",
            "r3setT0ken.x",
            "s3cret",
            "unv_AbCdEf0123456789",
        )
        return "ok"

    @app.get("/s/<token>/fails")
    def fails(token: str) -> str:
        raise ValueError("no account for ana@mies.gob.ec")

    return app


def _our_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, StderrHandler)]


def _json_lines(err: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_each_request_gets_an_id_echoed_in_the_response(tmp_path, capsys) -> None:
    client = _app(tmp_path).test_client()
    first = client.get("/logs-something").headers["X-Request-ID"]
    second = client.get("/logs-something").headers["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second)
    assert first != second
    assert HEX_ID.fullmatch(client.get("/no-such-page").headers["X-Request-ID"])


def test_a_well_formed_incoming_request_id_is_kept_and_any_other_replaced(tmp_path) -> None:
    client = _app(tmp_path).test_client()
    kept = client.get("/logs-something", headers={"X-Request-ID": "edge-7f3a.9_b"})
    assert kept.headers["X-Request-ID"] == "edge-7f3a.9_b"
    for bad in ("has spaces <b>", "a" * 129, "ana@mies.gob.ec", "-leading-dash"):
        answer = client.get("/logs-something", headers={"X-Request-ID": bad})
        assert HEX_ID.fullmatch(answer.headers["X-Request-ID"]), bad


def test_json_lines_carry_the_request_id_and_mask_addresses_and_tokens(tmp_path, capsys) -> None:
    client = _app(tmp_path, PORTAL_LOG_FORMAT="json").test_client()
    capsys.readouterr()
    response = client.get("/logs-something", headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    err = capsys.readouterr().err
    (entry,) = [e for e in _json_lines(err) if e["logger"] == "tests.portal.logging"]
    assert entry["message"] == EXPECTED_MESSAGE
    assert (entry["level"], entry["request_id"]) == ("WARNING", "req-42")
    assert set(entry) == {"time", "level", "logger", "message", "request_id"}
    assert not [bit for bit in SECRET_BITS if bit in err]


def test_exception_text_is_logged_masked_with_the_request_id(tmp_path, capsys) -> None:
    client = _app(tmp_path, PORTAL_LOG_FORMAT="json").test_client()
    capsys.readouterr()
    response = client.get("/s/tok3nFromALink/fails", headers={"X-Request-ID": "req-43"})
    assert response.status_code == 500
    err = capsys.readouterr().err
    (entry,) = [e for e in _json_lines(err) if e["logger"] == "portal.errors"]
    assert entry["message"] == "unhandled error on GET /s/[token]/fails"
    assert entry["request_id"] == "req-43"
    assert "ValueError: no account for [email]" in str(entry["exception"])
    assert not [bit for bit in SECRET_BITS if bit in err]


def test_text_lines_in_test_mode_carry_the_request_id_and_are_masked(tmp_path, capsys) -> None:
    client = _app(tmp_path).test_client()
    capsys.readouterr()
    request_id = client.get("/logs-something").headers["X-Request-ID"]
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if "tests.portal.logging" in line]
    assert line.endswith(f"WARNING tests.portal.logging [{request_id}] {EXPECTED_MESSAGE}")
    assert not [bit for bit in SECRET_BITS if bit in err]


def test_outside_a_request_the_request_id_is_a_dash(tmp_path, capsys) -> None:
    _app(tmp_path)
    capsys.readouterr()
    log.warning("reminder for %s", "ana@mies.gob.ec")
    (line,) = [line for line in capsys.readouterr().err.splitlines() if "reminder" in line]
    assert line.endswith("WARNING tests.portal.logging [-] reminder for [email]")


def test_production_defaults_to_json_and_creating_the_app_twice_adds_no_handler(
    tmp_path,
) -> None:
    _app(tmp_path, TESTING=False)
    _app(tmp_path, TESTING=False, PORTAL_LOG_LEVEL="warning")
    (handler,) = _our_handlers()
    assert isinstance(handler.formatter, JsonFormatter)
    assert logging.getLogger().level == logging.WARNING
    _app(tmp_path)
    (handler,) = _our_handlers()
    assert not isinstance(handler.formatter, JsonFormatter)
    assert logging.getLogger().level == logging.INFO
