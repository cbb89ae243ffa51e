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
