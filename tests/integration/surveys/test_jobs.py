"""The worker's scheduled survey jobs, without cron: overdue campaigns close, due contacts are
erased, and invitees who have not answered get one reminder per period, however many rounds run."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal import background
from portal.db import database, utcnow
from portal.models import OutboxMessage, ScheduledJob
from surveys.models import Campaign, Invitation
from tests.integration.surveys.builders import make_campaign, make_invitation


def _round(app) -> dict[str, int]:
    return background.run_round(app, skip={"mail"})


def test_worker_rounds_close_overdue_campaigns_once(app) -> None:
    with database(app).transaction() as session:
        overdue = make_campaign(session, closes_on=utcnow().date() - timedelta(days=1)).id
        running = make_campaign(session, closes_on=utcnow().date() + timedelta(days=9)).id

    assert _round(app)["schedule"] >= 2
    with database(app).transaction() as session:
        states = {c.id: c.state for c in session.scalars(select(Campaign))}
        jobs = {job.name: job.last_outcome for job in session.scalars(select(ScheduledJob))}
    assert states == {overdue: "closed", running: "open"}
    assert jobs["surveys.housekeeping"] == "1 campaign(s) closed, contacts of 0 campaign(s) erased"
    # The next occurrence is an hour away: another round runs no job.
    assert _round(app)["schedule"] == 0


def test_invitees_who_have_not_answered_are_reminded_once_a_period(app) -> None:
    app.config["PORTAL_REMINDER_DAYS"] = 7
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        waiting, _ = make_invitation(session, campaign)
        recent, _ = make_invitation(session, campaign)
        answered, _ = make_invitation(session, campaign)
        week_ago = utcnow() - timedelta(days=8)
        for invitation in (waiting, recent, answered):
            invitation.sent_at = week_ago
        recent.reminded_at = utcnow() - timedelta(days=2)
        answered.used_at = utcnow()
        ids = (waiting.id, recent.id, answered.id)

    _round(app)
    _round(app)
    with database(app).transaction() as session:
        reminded = {i.id: i.reminder_count for i in session.scalars(select(Invitation))}
        mails = session.scalars(select(OutboxMessage.template)).all()
        outcome = session.get(ScheduledJob, "surveys.reminders").last_outcome
    assert reminded == {ids[0]: 1, ids[1]: 0, ids[2]: 0}
    assert mails == ["survey_reminder"]
    assert outcome == "1 reminder(s) queued"


def test_reminders_can_be_turned_off(app) -> None:
    app.config["PORTAL_REMINDER_DAYS"] = 0
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        invitation, _ = make_invitation(session, campaign)
        invitation.sent_at = utcnow() - timedelta(days=30)
    _round(app)
    with database(app).transaction() as session:
        assert session.scalars(select(OutboxMessage)).all() == []
        assert "off" in session.get(ScheduledJob, "surveys.reminders").last_outcome
