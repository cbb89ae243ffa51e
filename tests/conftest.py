"""Fixtures: an app on a fresh database per test (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from portal import create_app
from portal.db import Base, create_schema, database, import_models, make_engine

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
FAST_HASH = "scrypt:1024:8:1"  # tests only; the default is N=2^17 (see test_security)
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Compile the .po catalogues when a .mo is missing or older (make does it too)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parent.parent / "portal" / "translations").glob(
        "*/LC_MESSAGES/messages.po"
    ):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalogue = read_po(handle)
        with mo.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=True)


class _LogTap(logging.Handler):
    """What the app's log handler would write, kept in memory: the same filters and format."""

    def __init__(self) -> None:
        from portal.logs import JsonFormatter, RedactFilter, RequestIdFilter

        super().__init__()
        self.addFilter(RequestIdFilter())
        self.addFilter(RedactFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


_ADDRESS = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture(scope="session", autouse=True)
def no_address_in_any_log() -> Iterator[None]:
    """Every log line the whole run writes, as production would write it, holds no e-mail address
    (the suite signs in, invites and mails hundreds of them)."""
    tap = _LogTap()
    logging.getLogger().addHandler(tap)
    yield
    logging.getLogger().removeHandler(tap)
    leaked = [line for line in tap.lines if _ADDRESS.search(line)]
    assert not leaked, f"{len(leaked)} log line(s) name an e-mail address, e.g. {leaked[:3]}"


def _backends() -> list:
    return [
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set"),
            ],
        ),
    ]


def _pg_schema_url(worker: str) -> str:
    """One schema per xdist worker, so parallel workers never share tables."""
    schema = f"test_{worker}_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> Iterator[str]:
    url = _pg_schema_url(worker_id)
    import_models()
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        schema = f"test_{worker_id}_{os.getpid()}"
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def _truncate_all(app: Flask) -> None:
    names = ", ".join(f'"{table.name}"' for table in reversed(Base.metadata.sorted_tables))
    with database(app).engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=_backends())
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    backend = request.param
    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{tmp_path / 'portal.db'}"
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret-key",
            "PORTAL_DATA_DIR": str(tmp_path / "data"),
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "SESSION_COOKIE_SECURE": False,
            "BASE_URL": "https://portal.example.org",
            "SMTP_URL": "",
        }
    )
    if backend == "sqlite":
        create_schema(app)
    try:
        yield app
    finally:
        if backend == "postgresql":
            _truncate_all(app)
        database(app).engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator:
    """A session for arranging and checking data.

    Commit to make arranged data visible to the app; call `session.rollback()` before reading what
    the app changed since (a transaction keeps its snapshot). On SQLite its transactions are
    deferred, so reading here never holds the write lock the app needs.
    """
    engine = make_engine(app.config["DATABASE_URL"], immediate=False)
    db_session = Session(engine, expire_on_commit=False)
    try:
        yield db_session
    finally:
        db_session.rollback()
        db_session.close()
        engine.dispose()


CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_from(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on a page, as a browser would have it."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_INPUT.search(page)
    assert match, f"no csrf_token on {url}"
    return match.group(1) or match.group(2)


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD) -> None:
        token = csrf_from(self.client, "/login")
        response = self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    def logout(self) -> None:
        token = csrf_from(self.client, "/account")
        self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


class _Collector:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[_Collector]:
    """A real SMTP server on loopback; the app is pointed at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _Collector()
    # The server's own connection chatter (its thread outlives a test's output capture) is noise.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        yield handler
    finally:
        controller.stop()
