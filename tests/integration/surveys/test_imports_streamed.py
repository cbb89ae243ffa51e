"""Responses imported in batches: rows stored batch by batch in the one transaction, a bad row in a
late batch still refusing the whole file, and no cap on the number of rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.db import utcnow
from portal.models import AuditEvent
from portal.tables import Refused
from surveys import imports
from surveys.models import Answer, Invitation, Response
from tests.integration.surveys.builders import make_campaign
from tests.integration.surveys.test_imports import row, table


def _count(session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_rows_are_stored_batch_by_batch_as_one_import(session, monkeypatch) -> None:
    monkeypatch.setattr(imports, "BATCH", 2)
    campaign = make_campaign(session, year=2025)
    rows = [row(n, submitted_at=f"2025-03-{n + 1:02d}") for n in range(7)]

    count = imports.import_responses(
        session, None, campaign.id, table(rows), now=utcnow(), global_south_flag="developing_2017"
    )

    assert count == 7
    invitations = session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert [i.contact_email for i in invitations] == [f"v{n}@example.org" for n in range(7)]
    assert {(i.source, i.gender, i.age) for i in invitations} == {("import", "female", 26)}
    responses = session.scalars(select(Response).order_by(Response.id)).all()
    assert [r.invitation_id for r in responses] == [i.id for i in invitations]
    assert [r.submitted_at.day for r in responses] == list(range(1, 8))
    assert [i.used_at for i in invitations] == [r.submitted_at for r in responses]
    assert {(r.gender, r.youth, r.africa, r.reporting_year) for r in responses} == {
        ("female", True, True, 2025)
    }
    skills = session.scalars(
        select(Answer.value_code).where(Answer.question_key == "skills_gained")
    ).all()
    assert sorted(skills) == ["digital"] * 7 + ["technical"] * 7
    audit = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "surveys.responses_imported")
    ).one()
    assert audit.details == {"responses": 7}


def test_a_bad_row_in_a_late_batch_refuses_the_rows_stored_before_it(session, monkeypatch) -> None:
    monkeypatch.setattr(imports, "BATCH", 2)
    campaign = make_campaign(session)
    session.commit()
    rows = [row(n) for n in range(9)]
    rows[6] = row(6, satisfied_experience="delighted")
    rows[8] = row(8, email="v1@example.org")

    with pytest.raises(Refused) as refused:
        imports.import_responses(
            session,
            None,
            campaign.id,
            table(rows),
            now=utcnow(),
            global_south_flag="developing_2017",
        )
    session.rollback()  # as the command's transaction does

    assert [(p.line, p.column) for p in refused.value.problems] == [
        (8, "satisfied_experience"),
        (10, "email"),
    ]
    assert "v1@example.org is already on line 3" in str(refused.value)
    assert (_count(session, Response), _count(session, Invitation), _count(session, Answer)) == (
        0,
        0,
        0,
    )


def test_a_file_above_the_old_cap_of_rows_is_read_whole(session, monkeypatch) -> None:
    monkeypatch.setattr("portal.tables.DEFAULT_MAX_ROWS", 3)
    campaign = make_campaign(session)

    count = imports.import_responses(
        session, None, campaign.id, table([row(n) for n in range(5)]), now=utcnow(),
        global_south_flag="developing_2017",
    )  # fmt: skip

    assert count == 5 and _count(session, Response) == 5


def test_reading_stops_at_the_most_problems_a_refusal_names(session, monkeypatch) -> None:
    monkeypatch.setattr(imports, "BATCH", 2)
    monkeypatch.setattr(imports, "MAX_PROBLEMS", 3)
    campaign = make_campaign(session)
    rows = [row(n, satisfied_experience="delighted") for n in range(12)]

    with pytest.raises(Refused) as refused:
        imports.import_responses(
            session, None, campaign.id, table(rows), now=utcnow(),
            global_south_flag="developing_2017",
        )  # fmt: skip

    # Two batches of two bad rows: the second reaches the limit, and nothing after it is read.
    assert [p.line for p in refused.value.problems] == [2, 3, 4, 5]
