"""The migration that adds the answer counts fills them from the responses already stored."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import func, select

from portal import create_app
from portal.cli import alembic_config
from portal.db import database
from surveys.answer_recount import check_counts
from surveys.answering import submit_response
from surveys.campaigns import campaign_definition
from surveys.models import AnswerCount
from tests.conftest import FAST_HASH
from tests.integration.surveys.builders import answers_for, make_campaign, make_invitation


def test_upgrading_counts_the_responses_stored_before(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'upgraded.db'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app({
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x",
        "INSTANCE_PATH": str(tmp_path / "instance"), "PORTAL_DATA_DIR": str(tmp_path / "data"),
        "PASSWORD_HASH_METHOD": FAST_HASH,
    })  # fmt: skip
    with database(app).transaction() as session:
        campaign = make_campaign(session, year=2025)
        definition = campaign_definition(campaign)
        for number, code in enumerate(("fully_agree", "neither", "dont_know")):
            invitation, _ = make_invitation(
                session, campaign, gender=("female", None, "male")[number], age=20 + 10 * number
            )
            answers = answers_for(definition, satisfied_experience=code)
            when = datetime(2025, 3, 1 + number, tzinfo=UTC)
            submit_response(session, invitation, definition, answers, when, "developing_2017")
        kept = sorted(session.execute(select(AnswerCount.__table__)).all())
    database(app).engine.dispose()
    # Back to the schema before the table, with the responses still there, and up again.
    command.downgrade(alembic_config(url), "0007_answer_counts-1")
    command.upgrade(alembic_config(url), "head")
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(AnswerCount)) == len(kept)
        assert sorted(session.execute(select(AnswerCount.__table__)).all()) == kept
        assert check_counts(session) == []
    database(app).engine.dispose()
