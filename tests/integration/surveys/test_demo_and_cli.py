"""The demo data (idempotent, meaningful figures) and the command-line contract."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.db import database, utcnow
from portal.demo import load_demo
from portal.results.providers import ComputeContext, provider_for
from surveys import demo as surveys_demo
from surveys.models import Campaign, Invitation, Response
from tests.integration.surveys.builders import make_campaign, make_invitation


def test_the_demo_gives_open_campaigns_and_hundreds_of_responses_once(app) -> None:
    # Only the accounts and this feature's part: other features test their own demo data.
    app.extensions["portal_demo_loaders"] = [surveys_demo.load_demo]
    load_demo(app)
    load_demo(app)  # idempotent
    year = utcnow().year
    with database(app).transaction() as session:
        states = dict(session.execute(select(Campaign.title, Campaign.state)).all())
        assert len(states) == 4
        assert sorted(states.values()) == ["closed", "closed", "open", "open"]
        responses = session.scalar(select(func.count()).select_from(Response))
        assert 300 <= responses <= 1000
        context = ComputeContext(year, 2022, 2025, 5, "developing_2017")
        spec = {"question_key": "satisfied_experience", "breakdown": [{"key": "female"}]}
        figure = provider_for(app, "volunteer_exit")(session, "1.2.1", spec, context)
        assert figure["suppressed"] is False and 0.7 < figure["value"] < 1
        assert figure["breakdown"]["female"]["suppressed"] is False
        partner = provider_for(app, "partner_survey")(
            session, "1.2", {"question_key": "expectations_met"}, context
        )
        assert partner["suppressed"] is False and partner["valid_n"] >= 20


def test_campaign_create_prints_the_id_and_opens_unless_a_draft(app, runner) -> None:
    result = runner.invoke(
        args=[
            "surveys",
            "campaign-create",
            "--survey",
            "partner",
            "--year",
            "2026",
            "--closes",
            "2026-12-31",
        ]
    )
    assert result.exit_code == 0, result.output
    campaign_id = int(result.output.strip())
    draft = runner.invoke(
        args=[
            "surveys",
            "campaign-create",
            "--survey",
            "volunteer_exit",
            "--year",
            "2026",
            "--draft",
        ]
    )
    with database(app).transaction() as session:
        assert session.get(Campaign, campaign_id).state == "open"
        assert session.get(Campaign, int(draft.output.strip())).state == "draft"


def test_bad_input_prints_one_line_and_changes_nothing(app, runner) -> None:
    result = runner.invoke(
        args=["surveys", "campaign-create", "--survey", "census", "--year", "2026"]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: Unknown survey census; import its form first, "
        "or use one of partner, volunteer_exit."
    ]
    missing = runner.invoke(args=["surveys", "purge-contacts", "999"])
    assert missing.exit_code == 1 and "not found" in missing.output
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_purge_contacts_of_an_open_campaign_is_refused_and_of_a_closed_one_done(
    app, runner
) -> None:
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        make_invitation(session, campaign)
        campaign_id = campaign.id
    refused = runner.invoke(args=["surveys", "purge-contacts", str(campaign_id)])
    assert refused.exit_code == 1
    runner.invoke(args=["surveys", "campaign-close", str(campaign_id)])
    done = runner.invoke(args=["surveys", "purge-contacts", str(campaign_id)])
    assert done.exit_code == 0, done.output
    with database(app).transaction() as session:
        assert session.scalar(select(Invitation.contact_email)) is None
        assert session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_purging_contacts_also_removes_the_campaigns_mails_from_the_outbox(app, runner) -> None:
    from portal import mail
    from portal.models import OutboxMessage
    from surveys.sending import send_invitations

    with app.app_context(), database(app).transaction() as session:
        campaign = make_campaign(session)
        make_invitation(session, campaign, email="private.person@example.org")
        make_invitation(session, campaign)
        send_invitations(session, None, campaign.id, valid_days=60)
        mail.queue(session, "password_reset", "someone.else@example.org", "en", link="https://x")
        campaign_id = campaign.id
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3
    runner.invoke(args=["surveys", "campaign-close", str(campaign_id)])
    done = runner.invoke(args=["surveys", "purge-contacts", str(campaign_id)])
    assert done.exit_code == 0, done.output
    with database(app).transaction() as session:
        # The invitees' addresses and names leave the outbox too; other mail stays.
        assert session.scalars(select(OutboxMessage.recipient)).all() == [
            "someone.else@example.org"
        ]


def test_the_periodic_run_closes_overdue_campaigns_and_purges_when_due(app, runner) -> None:
    app.config["PORTAL_PURGE_CONTACTS_DAYS"] = 0
    with database(app).transaction() as session:
        campaign = make_campaign(session, closes_on=utcnow().date() - timedelta(days=2))
        make_invitation(session, campaign)
    result = runner.invoke(args=["surveys", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "closed (closing date passed)" in result.output
    assert "purged" in result.output
    with database(app).transaction() as session:
        assert session.scalar(select(Invitation.contact_email)) is None
