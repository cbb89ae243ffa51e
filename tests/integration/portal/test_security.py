"""Security defaults: headers, cookies, upload limit, trusted hosts, hashing, error pages."""

from __future__ import annotations

import pytest

from portal import create_app
from tests.conftest import csrf_from
from tests.factories import make_user


def test_every_page_sends_a_strict_content_security_policy_and_headers(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "<script>" not in page and " style=" not in page and "<style" not in page


def test_a_body_over_the_limit_is_refused_with_413_before_reading(app, client) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/login", data=b"x" * (limit + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 413


def test_api_errors_are_json(client) -> None:
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.is_json and "error" in response.get_json()


def test_error_pages_leak_no_internals(app, client) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_default_password_hash_uses_owasp_scrypt_parameters(tmp_path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt:131072:8:1"


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path) -> None:
    first = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_session_cookie_is_secure_httponly_lax_when_served_over_https(tmp_path, session) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
            "SECRET_KEY": "k",
            "BASE_URL": "https://portal.example.org",
        }
    )
    from portal.db import create_schema

    create_schema(app)
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 12 * 3600


def test_untrusted_host_header_is_refused_when_trusted_hosts_are_set(tmp_path) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": "sqlite://",
            "SECRET_KEY": "k",
            "TRUSTED_HOSTS": "portal.example.org",
        }
    )
    client = app.test_client()
    assert client.get("/api/v1/health", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("path", ["/logout", "/account/tokens"])
def test_state_changing_posts_without_csrf_are_refused(client, session, auth, path) -> None:
    user = make_user(session, "staff")
    session.commit()
    auth.login(user.email)
    assert client.post(path, data={}).status_code == 400
    assert client.get("/account").status_code == 200  # still signed in: logout did not happen


def test_language_switch_refuses_offsite_redirects(client) -> None:
    token = csrf_from(client, "/")
    response = client.post(
        "/language", data={"lang": "fr", "next": "//evil.example", "csrf_token": token}
    )
    assert response.headers["Location"] == "/"
    assert 'lang="fr"' in client.get("/").get_data(as_text=True)
