"""Each writer of responses keeps the answer counts in its transaction; rebuild and check."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, update

from portal.auth import organisations
from portal.db import database, utcnow
from portal.models import AuditEvent
from portal.tables import Refused
from surveys import imports
from surveys.answer_recount import check_counts, rebuild_counts, uncount_responses
from surveys.answering import submit_response
from surveys.campaigns import campaign_definition
from surveys.count_reading import counted_answers, counted_invitations
from surveys.indicators import answer_counts, invitation_totals
from surveys.models import Answer, AnswerCount, Invitation, Response
from tests.conftest import csrf_from
from tests.factories import make_org
from tests.integration.surveys.builders import (
    answers_for,
    make_campaign,
    make_invitation,
    page_form,
)
from tests.integration.surveys.test_imports import row, table

THREADS = 8


def _agreeing(session, survey: str, question: str, year: int, organisation=None) -> dict:
    frame = counted_answers(session, survey, question, year, organisation)
    summed: dict = {}
    for answer, n in zip(frame["answer"], frame["n"], strict=True):
        summed[answer] = summed.get(answer, 0) + int(n)
    return summed


def _same_as_reference(session, survey: str, question: str, year: int) -> None:
    assert check_counts(session) == []
    table_frame = counted_answers(session, survey, question, year)
    reference = answer_counts(session, survey, question, year)
    assert int(table_frame["n"].sum()) == int(reference["n"].sum())
    assert counted_invitations(session, survey, year) == invitation_totals(session, survey, year)


def test_a_survey_answered_on_the_web_is_counted_when_it_is_stored(app, client, shipped) -> None:
    definition = shipped["volunteer_exit"]
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        _, token = make_invitation(session, campaign, gender="female", age=24, nationality="KEN")
    answers = answers_for(definition, satisfied_experience="somewhat_agree")
    client.get(f"/s/{token}")
    for page_index in range(len(definition.pages)):
        last = page_index == len(definition.pages) - 1
        form = dict(page_form(definition, page_index, answers), action="submit" if last else "next")
        response = client.post(
            "/s/answer", data=dict(form, csrf_token=csrf_from(client, "/s/answer"))
        )
        assert response.status_code == (200 if last else 302)  # the last: the confirmation
    year = utcnow().year
    with database(app).transaction() as session:
        frame = counted_answers(session, "volunteer_exit", "satisfied_experience", year)
        assert frame[["answer", "female", "youth", "africa", "n"]].values.tolist() == [
            ["somewhat_agree", True, True, True, 1]
        ]
        _same_as_reference(session, "volunteer_exit", "satisfied_experience", year)


def test_an_import_is_counted_in_its_transaction_and_a_refused_one_not_at_all(session) -> None:
    campaign = make_campaign(session, year=2025)
    rows = [row(1), row(2, satisfied_experience="neither"), row(3, satisfied_experience="")]
    assert imports.import_responses(
        session, None, campaign.id, table(rows), now=utcnow(), global_south_flag="developing_2017"
    ) == 3  # fmt: skip
    counted = _agreeing(session, "volunteer_exit", "satisfied_experience", 2025)
    assert counted == {"fully_agree": 1, "neither": 1, None: 1}
    _same_as_reference(session, "volunteer_exit", "satisfied_experience", 2025)
    session.commit()
    before = session.scalar(select(func.sum(AnswerCount.n)))
    with pytest.raises(Refused):
        imports.import_responses(
            session, None, campaign.id, table([row(4), row(5, age="200")]), now=utcnow(),
            global_south_flag="developing_2017",
        )  # fmt: skip
    session.rollback()
    assert session.scalar(select(func.sum(AnswerCount.n))) == before
    assert check_counts(session) == []


def _partner_response(session, campaign, organisation, station: str, code: str) -> None:
    invitation, _ = make_invitation(
        session, campaign, organisation_id=organisation.id, office_type="country",
        duty_station=station,
    )  # fmt: skip
    definition = campaign_definition(campaign)
    answers = answers_for(definition, expectations_met=code)
    submit_response(session, invitation, definition, answers, datetime(2025, 5, 1, tzinfo=UTC), "x")


def test_merged_organisations_take_their_counts_along(app, session) -> None:
    duplicate, keep = make_org(session), make_org(session)
    campaign = make_campaign(session, "partner", year=2025)
    _partner_response(session, campaign, duplicate, "KEN", "fully_agree")
    _partner_response(session, campaign, keep, "SEN", "neither")
    _partner_response(session, campaign, keep, "ECU", "fully_agree")
    with app.app_context():
        organisations.merge_organisations(session, None, duplicate.id, keep.id)
    counted = _agreeing(session, "partner", "expectations_met", 2025, keep.id)
    assert counted == {"fully_agree": 2, "neither": 1}
    assert _agreeing(session, "partner", "expectations_met", 2025, duplicate.id) == {}
    assert counted_invitations(session, "partner", 2025, keep.id) == (3, 3)
    _same_as_reference(session, "partner", "expectations_met", 2025)


def test_uncounted_then_deleted_responses_leave_no_trace_in_the_counts(session) -> None:
    campaign = make_campaign(session, year=2025)
    definition = campaign_definition(campaign)
    stored = []
    for code in ("fully_agree", "fully_agree", "neither"):
        invitation, _ = make_invitation(session, campaign, gender="male")
        answers = answers_for(definition, satisfied_experience=code)
        when = datetime(2025, 4, 1, tzinfo=UTC)
        stored.append(submit_response(session, invitation, definition, answers, when, "x"))
    uncount_responses(session, stored[1:])
    invitations = select(Response.invitation_id).where(Response.id.in_(stored[1:]))
    session.execute(update(Invitation).where(Invitation.id.in_(invitations)).values(used_at=None))
    session.execute(delete(Answer).where(Answer.response_id.in_(stored[1:])))
    session.execute(delete(Response).where(Response.id.in_(stored[1:])))
    counted = _agreeing(session, "volunteer_exit", "satisfied_experience", 2025)
    assert counted == {"fully_agree": 1}
    assert not session.scalar(
        select(func.count()).select_from(AnswerCount).where(AnswerCount.n == 0)
    )
    _same_as_reference(session, "volunteer_exit", "satisfied_experience", 2025)


def test_counts_check_names_a_difference_and_counts_rebuild_repairs_it(app, runner) -> None:
    with database(app).transaction() as session:
        campaign = make_campaign(session, year=2025)
        imports.import_responses(
            session, None, campaign.id, table([row(1), row(2)]), now=utcnow(),
            global_south_flag="developing_2017",
        )  # fmt: skip
        session.execute(
            update(AnswerCount)
            .where(AnswerCount.answer_code == "fully_agree")
            .values(n=AnswerCount.n + 5)
        )
    result = runner.invoke(args=["surveys", "counts-check", "--year", "2025"])
    assert result.exit_code == 1
    assert "question satisfied_experience code fully_agree" in result.output
    assert "stored 7, recounted 2" in result.output
    assert "run `flask surveys counts-rebuild`" in result.output
    assert runner.invoke(args=["surveys", "counts-check", "--year", "2024"]).exit_code == 0
    result = runner.invoke(args=["surveys", "counts-rebuild", "--year", "2025"])
    assert result.exit_code == 0 and "answer counts of reporting year 2025 rebuilt" in result.output
    result = runner.invoke(args=["surveys", "counts-check"])
    assert (result.exit_code, result.output.strip()) == (0, "answer counts equal the recount")
    with database(app).transaction() as session:
        action = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first()
        assert action == "surveys.counts_rebuilt"


def test_a_rebuild_of_every_year_equals_the_counts_kept_along(session) -> None:
    campaign = make_campaign(session, year=2025)
    rows = [row(1), row(2, submitted_at="2024-12-31"), row(3, skills_gained="")]
    imports.import_responses(
        session, None, campaign.id, table(rows), now=utcnow(), global_south_flag="developing_2017"
    )
    kept = session.execute(select(AnswerCount.__table__)).all()
    rebuild_counts(session, None)
    assert sorted(session.execute(select(AnswerCount.__table__)).all()) == sorted(kept)


def test_simultaneous_submissions_lose_no_increment(app) -> None:
    """Real threads, one connection each, all submitting into the same cells at once."""
    with database(app).transaction() as session:
        campaign = make_campaign(session, year=2025)
        invitation_ids = [
            make_invitation(session, campaign, gender="female", age=30)[0].id
            for _ in range(THREADS)
        ]
        campaign_id = campaign.id
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def submit(invitation_id: int) -> None:
        try:
            # On SQLite a transaction begins by taking the write lock: meet before it.
            start.wait(timeout=30)
            with database(app).transaction() as session:
                invitation = session.get(Invitation, invitation_id)
                definition = campaign_definition(invitation.campaign)
                answers = answers_for(definition, satisfied_experience="fully_agree")
                when = datetime(2025, 6, 1, tzinfo=UTC)
                submit_response(session, invitation, definition, answers, when, "x")
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=submit, args=(i,)) for i in invitation_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    with database(app).transaction() as session:
        counted = _agreeing(session, "volunteer_exit", "satisfied_experience", 2025)
        assert counted == {"fully_agree": THREADS}
        assert check_counts(session) == []
        assert session.scalar(
            select(func.count()).select_from(Response).where(Response.campaign_id == campaign_id)
        ) == THREADS  # fmt: skip
