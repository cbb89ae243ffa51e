"""Mail goes through a real SMTP server, in the recipient's language, with text and HTML parts."""

from __future__ import annotations

from pathlib import Path

from portal import mail


def test_mail_is_delivered_over_smtp_with_text_and_html(app, smtp_server) -> None:
    with app.test_request_context():
        message = mail.compose(
            "password_reset", "focal@example.org", "en", link="https://portal.example.org/x"
        )
        assert mail.send([message]) == 1
    assert len(smtp_server.messages) == 1
    recipients, received = smtp_server.messages[0]
    assert recipients == ["focal@example.org"]
    assert received["Subject"] == "Set a new password for the UNV Results Portal"
    assert "https://portal.example.org/x" in received.get_body(("plain",)).get_content()
    assert 'href="https://portal.example.org/x"' in received.get_body(("html",)).get_content()


def test_mail_is_rendered_in_the_recipients_language(app, smtp_server) -> None:
    with app.test_request_context():
        mail.send([mail.compose("password_reset", "a@example.org", "fr", link="https://x")])
    _recipients, received = smtp_server.messages[0]
    assert received["Subject"] != "Set a new password for the UNV Results Portal"
    assert "mot de passe" in received["Subject"].lower()


def test_without_smtp_mail_is_written_as_eml_files(app) -> None:
    with app.test_request_context():
        mail.send([mail.compose("password_reset", "a@example.org", "en", link="https://x")])
    files = list((Path(app.config["PORTAL_DATA_DIR"]) / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert b"To: a@example.org" in files[0].read_bytes()


def test_an_unreachable_smtp_server_raises_a_mail_error(app) -> None:
    import pytest

    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"
    with app.test_request_context(), pytest.raises(mail.MailError):
        mail.send([mail.compose("password_reset", "a@example.org", "en", link="https://x")])


def test_after_commit_work_runs_only_when_the_request_commits(app, client) -> None:
    from portal.db import after_commit, db_session

    ran: list[str] = []

    @app.get("/stored")
    def stored() -> str:
        after_commit(db_session(), lambda: ran.append("stored"))
        return "ok"

    @app.get("/refused")
    def refused() -> tuple[str, int]:
        after_commit(db_session(), lambda: ran.append("refused"))
        return "no", 400

    @app.get("/failing")
    def failing() -> str:
        after_commit(db_session(), lambda: 1 / 0)
        after_commit(db_session(), lambda: ran.append("after a failure"))
        return "ok"

    assert client.get("/refused").status_code == 400
    assert client.get("/stored").status_code == 200
    assert ran == ["stored"]
    # Work after a commit that fails neither undoes the stored change nor stops the rest.
    assert client.get("/failing").status_code == 200
    assert ran == ["stored", "after a failure"]


def test_after_commit_work_belongs_to_the_transaction_outside_requests(app) -> None:
    from portal.db import after_commit, database

    ran: list[str] = []
    with app.app_context():
        with database(app).transaction() as session:
            after_commit(session, lambda: ran.append("committed"))
        assert ran == ["committed"]
        try:
            with database(app).transaction() as session:
                after_commit(session, lambda: ran.append("rolled back"))
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        with database(app).transaction() as session:
            after_commit(session, lambda: ran.append("after the savepoint"))
            with session.begin_nested():
                pass
            assert ran == ["committed"]  # releasing a savepoint is not the commit
        assert ran == ["committed", "after the savepoint"]
        ran.remove("after the savepoint")
        session = database(app).sessionmaker()
        after_commit(session, lambda: ran.append("closed unused"))
        session.close()
        session.commit()
    assert ran == ["committed"]
