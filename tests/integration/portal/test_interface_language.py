"""The language a signed-in person browses in is remembered on their account (written only when
it changes), and the mails sent to them come in it."""

from __future__ import annotations

from sqlalchemy import event, select

from portal.auth import passwords, tokens
from portal.db import database
from portal.models import OutboxMessage, User
from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_user


def _locale(session, user_id: int) -> str | None:
    session.rollback()
    return session.scalar(select(User.locale).where(User.id == user_id))


def _sign_in(client, email: str) -> None:
    token = csrf_from(client, "/login")
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})


def test_the_browsing_language_is_kept_and_used_for_mail(app, session) -> None:
    user = make_user(session, "contributor")
    session.commit()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9"
    _sign_in(client, user.email)
    client.get("/account")
    assert _locale(session, user.id) == "fr"

    client.post("/language", data={"lang": "es", "csrf_token": csrf_from(client, "/account")})
    client.get("/")
    assert _locale(session, user.id) == "es"

    with app.app_context(), database(app).transaction() as writing:
        passwords.request_password_reset(writing, user.email, secret_key="test-secret-key")
    session.rollback()
    message = session.scalar(select(OutboxMessage))
    assert (message.locale, message.subject) == (
        "es",
        "Establecer una nueva contraseña para el Portal de resultados de VNU",
    )


def test_a_new_sign_in_elsewhere_shows_the_remembered_language(app, session) -> None:
    user = make_user(session, "partner")
    session.commit()
    laptop = app.test_client()
    _sign_in(laptop, user.email)
    laptop.post("/language", data={"lang": "ar", "csrf_token": csrf_from(laptop, "/account")})
    laptop.get("/")
    phone = app.test_client()
    phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB"
    _sign_in(phone, user.email)
    assert '<html lang="ar" dir="rtl">' in phone.get("/").get_data(as_text=True)


def test_the_account_is_written_only_when_the_language_changes(app, session) -> None:
    user = make_user(session, "staff")
    session.commit()
    client = app.test_client()
    _sign_in(client, user.email)
    updates: list[str] = []

    def _watch(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("UPDATE user_account"):
            updates.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", _watch)
    try:
        for path in ("/", "/account", "/", "/account"):
            assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", _watch)
    assert len(updates) == 1  # the first page (English, the default) is recorded; then nothing
    assert _locale(session, user.id) == "en"


def test_api_calls_with_a_token_record_no_language(app, session) -> None:
    user = make_user(session, "staff")
    token = tokens.create_api_token(session, None, user)
    session.commit()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh"}
    response = app.test_client().get("/api/v1/indicators?year=2025", headers=headers)
    assert response.status_code == 200
    assert _locale(session, user.id) is None
