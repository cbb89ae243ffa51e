"""Behind trusted proxies the client's own address and scheme count; without them no header does."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.db import create_schema
from tests.conftest import csrf_from


def _app(tmp_path: Path, **config: object) -> Flask:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
            "SECRET_KEY": "k",
            "TESTING": True,
            "LOGIN_RATE_LIMIT": "2 per minute",
            **config,
        }
    )
    create_schema(app)
    return app


def _reset_requests(client: FlaskClient, forwarded_for: str, count: int) -> list[int]:
    """Password-reset requests (limited per client address) as seen from `forwarded_for`."""
    headers = {"X-Forwarded-For": forwarded_for}
    token = csrf_from(client, "/password/forgot")
    return [
        client.post(
            "/password/forgot",
            data={"email": "someone@example.org", "csrf_token": token},
            headers=headers,
        ).status_code
        for _ in range(count)
    ]


def test_each_client_behind_a_trusted_proxy_has_its_own_login_limit(tmp_path: Path) -> None:
    client = _app(tmp_path, TRUSTED_PROXIES=1).test_client()
    assert _reset_requests(client, "203.0.113.7", 3) == [302, 302, 429]
    # Another office behind the same proxy is not throttled by the first one's requests.
    assert _reset_requests(client, "198.51.100.9", 2) == [302, 302]


def test_forwarded_addresses_are_ignored_without_trusted_proxies(tmp_path: Path) -> None:
    client = _app(tmp_path).test_client()
    assert _reset_requests(client, "203.0.113.7", 2) == [302, 302]
    # A client cannot escape its limit by claiming another address.
    assert _reset_requests(client, "198.51.100.9", 1) == [429]


def test_hsts_is_sent_when_the_proxy_says_the_client_came_over_https(tmp_path: Path) -> None:
    client = _app(tmp_path, TRUSTED_PROXIES=1, BASE_URL="https://portal.example.org").test_client()
    over_tls = client.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert over_tls.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = client.get("/api/v1/health")
    assert "Strict-Transport-Security" not in plain.headers


def test_forwarded_scheme_is_not_believed_without_trusted_proxies(tmp_path: Path) -> None:
    client = _app(tmp_path, BASE_URL="https://portal.example.org").test_client()
    response = client.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
