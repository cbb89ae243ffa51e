"""The `flask portal ...` commands: what they create, and bad input that changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.models import ApiToken, Organisation, User


def _counts(session) -> tuple[int, int, int]:
    session.rollback()
    return (
        session.scalar(select(func.count()).select_from(Organisation)),
        session.scalar(select(func.count()).select_from(User)),
        session.scalar(select(func.count()).select_from(ApiToken)),
    )


def test_create_org_and_user_store_what_was_asked(runner, session) -> None:
    result = runner.invoke(
        args=["portal", "create-org", "UNDP", "--name", "UNDP", "--kind", "un_entity"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "portal",
            "create-user",
            "Focal@Example.org",
            "--role",
            "partner",
            "--org",
            "UNDP",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User))
    assert (user.email, user.role, user.organisation.code) == (
        "focal@example.org",
        "partner",
        "UNDP",
    )
    assert user.password_hash.startswith("scrypt:")


def test_create_token_prints_a_token_stored_only_as_its_hash(runner, session) -> None:
    runner.invoke(args=["portal", "create-org", "UNV", "--name", "UNV", "--kind", "unv"])
    runner.invoke(args=["portal", "create-user", "a@example.org", "--role", "staff"])
    result = runner.invoke(args=["portal", "create-token", "a@example.org"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("unv_") and len(token) > 40
    stored = session.scalar(select(ApiToken))
    assert token not in stored.token_hash and len(stored.token_hash) == 64


BAD_COMMANDS = [
    (["portal", "create-org", "X1", "--name", "X", "--kind", "club"], "Unknown organisation kind"),
    (
        ["portal", "create-org", "X1", "--name", "X", "--kind", "cso", "--country", "XXX"],
        "Unknown country code XXX",
    ),
    (["portal", "create-org", "bad code!", "--name", "X", "--kind", "cso"], "Organisation code"),
    (["portal", "create-org", "EXIST", "--name", "X", "--kind", "cso"], "already exists"),
    (
        ["portal", "create-user", "b@example.org", "--role", "partner", "--org", "NOPE"],
        "Unknown organisation code NOPE",
    ),
    (["portal", "create-user", "b@example.org", "--role", "partner"], "needs an organisation"),
    (["portal", "create-user", "b@example.org", "--role", "boss"], "Unknown role boss"),
    (["portal", "create-user", "not-an-email", "--role", "staff"], "Invalid e-mail address"),
    (["portal", "create-user", "Taken@example.org", "--role", "staff"], "already exists"),
    (["portal", "create-token", "nobody@example.org"], "No account with e-mail"),
]


@pytest.mark.parametrize(("args", "message"), BAD_COMMANDS)
def test_bad_input_prints_one_line_exits_non_zero_and_stores_nothing(
    runner, session, args, message
) -> None:
    runner.invoke(args=["portal", "create-org", "EXIST", "--name", "E", "--kind", "cso"])
    runner.invoke(args=["portal", "create-user", "taken@example.org", "--role", "staff"])
    before = _counts(session)
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.output
    assert _counts(session) == before


def test_short_password_from_stdin_is_refused_and_no_user_is_created(runner, session) -> None:
    result = runner.invoke(
        args=["portal", "create-user", "c@example.org", "--role", "staff", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert _counts(session)[1] == 0


def test_demo_loads_once_and_again_changes_nothing(runner, session) -> None:
    first = runner.invoke(args=["portal", "demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.unv.org" in first.output and "demo-password-2025" in first.output
    counts = _counts(session)
    assert counts[1] >= 4
    again = runner.invoke(args=["portal", "demo"])
    assert again.exit_code == 0
    assert _counts(session) == counts
