"""How a delivery attempt is judged: 5xx permanent, 4xx and broken connections temporary; the
reason is kept without any address; back-off doubles from a minute up to an hour."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from pathlib import Path

from portal.mail import Mail, Mailer, _outcome
from portal.worker import backoff


def test_replies_are_judged_by_their_code_and_keep_no_address() -> None:
    refused = _outcome(smtplib.SMTPDataError(550, b"5.1.1 <ana@example.org>: no such user"))
    assert (refused.sent, refused.permanent) == (False, True)
    assert refused.error == "550 5.1.1 <address>: no such user"
    later = _outcome(smtplib.SMTPDataError(451, b"4.3.0 Try again later"))
    assert (later.permanent, later.error) == (False, "451 4.3.0 Try again later")
    recipients = smtplib.SMTPRecipientsRefused({"ana@example.org": (450, b"greylisted")})
    assert (_outcome(recipients).permanent, _outcome(recipients).error) == (False, "450 greylisted")
    gone = _outcome(ConnectionRefusedError(111, "Connection refused"))
    assert (gone.permanent, gone.error) == (False, "ConnectionRefusedError")


def test_an_unreachable_server_makes_every_outcome_temporary(tmp_path: Path) -> None:
    mailer = Mailer("smtp://127.0.0.1:1", "portal@example.org", tmp_path)
    outcomes = mailer.deliver([Mail("a@example.org", "s", "t"), Mail("b@example.org", "s", "t")])
    assert [(o.sent, o.permanent) for o in outcomes] == [(False, False), (False, False)]
    assert mailer.deliver([]) == []


def test_without_smtp_each_message_is_written_as_a_file(tmp_path: Path) -> None:
    mailer = Mailer("", "portal@example.org", tmp_path / "outbox")
    outcomes = mailer.deliver([Mail("a@example.org", "s", "t"), Mail("b@example.org", "s", "t")])
    assert [o.sent for o in outcomes] == [True, True]
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2


def test_backoff_doubles_from_a_minute_and_stops_at_an_hour() -> None:
    assert [backoff(n) for n in range(1, 9)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)
    ]
    assert backoff(500) == timedelta(hours=1)
