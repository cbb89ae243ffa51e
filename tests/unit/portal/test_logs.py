"""Redaction of log text and the logging settings, without the app."""

from __future__ import annotations

import logging

import pytest

from portal.logs import RedactFilter, redact
from portal.settings import SettingsError, load_settings

CASES = [
    ("sent to Ana.Perez+x@mies.gob.ec today", "sent to [email] today"),
    ("GET /s/AbC-_123xyz?lang=fr HTTP/1.1", "GET /s/[token]?lang=fr HTTP/1.1"),
    (
        "https://p.example.org/password/reset/eyJ1Ijo.x-Y_z",
        "https://p.example.org/password/reset/[token]",
    ),
    ("Authorization: Bearer unv_abcdefgh12345678", "Authorization: Bearer [token]"),
    ("token unv_abcdefgh12345678 used", "token [token] used"),
    ("('ana@example.org', 3)", "('[email]', 3)"),
    ("GET /surveys/campaigns/3 200", "GET /surveys/campaigns/3 200"),
    ("unv_ alone and user@localhost stay", "unv_ alone and user@localhost stay"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redact_masks_addresses_and_tokens_only(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_log_settings_are_checked_and_normalised(tmp_path) -> None:
    settings = load_settings(tmp_path, {"PORTAL_LOG_FORMAT": "JSON", "PORTAL_LOG_LEVEL": "debug"})
    assert (settings["PORTAL_LOG_FORMAT"], settings["PORTAL_LOG_LEVEL"]) == ("json", "DEBUG")
    with pytest.raises(SettingsError, match="PORTAL_LOG_FORMAT"):
        load_settings(tmp_path, {"PORTAL_LOG_FORMAT": "xml"})
    with pytest.raises(SettingsError, match="PORTAL_LOG_LEVEL"):
        load_settings(tmp_path, {"PORTAL_LOG_LEVEL": "loud"})


def _record(msg: str, *args: object) -> logging.LogRecord:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, msg, args or None, None)
    assert RedactFilter().filter(record)
    return record


def test_the_filter_masks_arguments_and_keeps_numbers() -> None:
    record = _record("%d answers from %s at /s/%s", 3, "ana@example.org", "AbC123")
    assert record.getMessage() == "3 answers from [email] at /s/[token]"
    named = _record("%(who)s has %(n)d", {"who": "ana@example.org", "n": 2})
    assert named.getMessage() == "[email] has 2"


def test_a_malformed_logging_call_is_masked_and_does_not_raise() -> None:
    record = _record("for ana@example.org %s %s", "only one")
    assert record.getMessage() == "for [email] %s %s"
