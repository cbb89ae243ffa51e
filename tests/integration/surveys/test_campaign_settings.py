"""Campaign settings and life cycle on the staff pages and the command line: dates and reminder
schedule, deleting a draft, confirmations before closing or erasing, the response-rate chart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import background
from portal.db import database, utcnow
from portal.errors import InputError
from portal.models import AuditEvent, OutboxMessage, ScheduledJob
from surveys import campaign_rates, campaign_settings
from surveys.campaign_chart import RateMark, rate_chart
from surveys.models import Campaign, Invitation
from tests.conftest import csrf_from
from tests.integration.surveys.builders import make_campaign, make_invitation
from tests.integration.surveys.test_staff_pages import staff_login


def _campaign(app, state: str = "open", invitees: int = 0) -> int:
    with database(app).transaction() as session:
        campaign = make_campaign(session, state="draft" if state == "draft" else "open")
        for _ in range(invitees):
            make_invitation(session, campaign)
        if state == "closed":
            campaign.state, campaign.closed_at = "closed", utcnow()
        return campaign.id


def _edit(client, campaign_id: int, **fields):
    url = f"/surveys/campaigns/{campaign_id}/edit"
    data = {"title": "Exit 2026", "reminder_days": "7", "reminder_limit": "3"}
    data.update(fields, csrf_token=csrf_from(client, url))
    return client.post(url, data=data)


def test_staff_change_the_dates_and_reminder_schedule(app, client, auth) -> None:
    campaign_id = _campaign(app)
    staff_login(app, auth)
    page = client.get(f"/surveys/campaigns/{campaign_id}/edit").get_data(as_text=True)
    assert 'name="reminder_days"' in page and 'value="7"' in page
    response = _edit(
        client, campaign_id, closes_on="2099-06-30", reminder_days="10", reminder_limit="1"
    )
    assert response.status_code == 302
    with database(app).transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        settings = (campaign.closes_on.isoformat(), campaign.reminder_days, campaign.reminder_limit)
        changed = session.scalar(
            select(AuditEvent.details).where(AuditEvent.action == "surveys.campaign_updated")
        )
    # An unchecked box is a "no": the reminders are no longer automatic.
    assert settings == ("2099-06-30", 10, 1) and campaign.reminders_automatic is False
    assert changed == {
        "changed": ["title", "closes_on", "reminder_days", "reminder_limit", "reminders_automatic"]
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closes_on": "2001-01-01"}, "would close the campaign at once"),
        ({"opens_on": "2099-02-01", "closes_on": "2099-01-01"}, "must not be before"),
        ({"reminder_days": "0"}, "Number must be between 1 and 90"),
        ({"reminder_limit": "11"}, "Number must be between 0 and 10"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(app, client, auth, fields, message) -> None:
    campaign_id = _campaign(app)
    staff_login(app, auth)
    response = _edit(client, campaign_id, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with database(app).transaction() as session:
        assert session.get(Campaign, campaign_id).reminder_days == 7
        assert session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "surveys.campaign_updated")) == 0  # fmt: skip


def test_a_closed_campaign_cannot_be_changed(session) -> None:
    campaign = make_campaign(session, state="closed")
    wanted = campaign_settings.CampaignSettings.of(campaign)
    with pytest.raises(InputError, match="closed campaign cannot be changed"):
        campaign_settings.update_campaign(session, None, campaign.id, wanted, today=utcnow().date())


def test_a_draft_is_deleted_only_after_its_confirmation(app, client, auth) -> None:
    campaign_id = _campaign(app, "draft", invitees=2)
    staff_login(app, auth)
    url = f"/surveys/campaigns/{campaign_id}/delete"
    confirm = client.get(url).get_data(as_text=True)
    assert "its 2 invitees are deleted for good" in confirm
    with database(app).transaction() as session:
        assert session.get(Campaign, campaign_id) is not None  # asking deleted nothing
    deleted = client.post(url, data={"csrf_token": csrf_from(client, url)}, follow_redirects=True)
    assert "was deleted" in deleted.get_data(as_text=True)
    with database(app).transaction() as session:
        assert session.get(Campaign, campaign_id) is None
        assert session.scalar(select(func.count(Invitation.id))) == 0
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "surveys.campaign_deleted")
        )
        assert (event.object_id, event.details) == (campaign_id, {"survey": "volunteer_exit"})


def test_an_open_campaign_is_not_deleted(app, client, auth) -> None:
    campaign_id = _campaign(app)
    staff_login(app, auth)
    url = f"/surveys/campaigns/{campaign_id}/delete"
    refused = client.post(url, data={"csrf_token": csrf_from(client, url)}, follow_redirects=True)
    assert "Only a draft campaign can be deleted" in refused.get_data(as_text=True)
    with database(app).transaction() as session:
        assert session.get(Campaign, campaign_id).state == "open"


def test_the_campaign_page_asks_before_closing_and_erasing(app, client, auth) -> None:
    campaign_id = _campaign(app, invitees=3)
    staff_login(app, auth)
    base = f"/surveys/campaigns/{campaign_id}"
    page = client.get(base).get_data(as_text=True)
    assert f'href="{base}/close"' in page  # a link to the confirmation, not a one-click form
    assert f'action="{base}/close"' not in page
    confirm = client.get(f"{base}/close").get_data(as_text=True)
    assert "The links of the 3 invitees who have not completed stop working" in confirm
    assert f'action="{base}/close"' in confirm
    with database(app).transaction() as session:
        assert session.get(Campaign, campaign_id).state == "open"
    client.post(f"{base}/close", data={"csrf_token": csrf_from(client, base)})
    erase = client.get(f"{base}/purge-contacts").get_data(as_text=True)
    assert "of 3 invitees are erased for good" in erase
    with database(app).transaction() as session:
        assert session.get(Campaign, campaign_id).state == "closed"
        assert session.scalar(select(func.count(Invitation.contact_email))) == 3


def test_the_worker_reminds_only_campaigns_with_automatic_reminders(app) -> None:
    app.config["PORTAL_REMINDER_DAYS"] = 7
    with database(app).transaction() as session:
        automatic, by_hand = make_campaign(session), make_campaign(session)
        by_hand.reminders_automatic = False
        for campaign in (automatic, by_hand):
            invitation, _ = make_invitation(session, campaign)
            invitation.sent_at = utcnow() - timedelta(days=8)
    background.run_round(app, skip={"mail"})
    with database(app).transaction() as session:
        reminded = dict(
            session.execute(select(Invitation.campaign_id, Invitation.reminder_count)).all()
        )
        outcome = session.get(ScheduledJob, "surveys.reminders").last_outcome
    assert reminded == {automatic.id: 1, by_hand.id: 0}
    assert outcome == "1 reminder(s) queued"


def test_response_rate_over_time_counts_invitations_and_completions_per_day(session) -> None:
    campaign = make_campaign(session)
    # Opened at 09:00: "a day and two hours later" is then the next day at any time of the run.
    opened = campaign.opened_at.replace(hour=9, minute=0, second=0, microsecond=0)
    campaign.opened_at = opened
    made = [make_invitation(session, campaign)[0] for _ in range(4)]
    for invitation in made:
        invitation.created_at = opened
    made[0].used_at = opened + timedelta(days=1, hours=2)
    made[1].used_at = made[2].used_at = opened + timedelta(days=3)
    session.flush()
    points = campaign_rates.rate_over_time(session, campaign, opened.date() + timedelta(days=3))
    assert [(p.invited, p.completed) for p in points] == [(4, 0), (4, 1), (4, 1), (4, 3)]
    assert points[-1].rate == 0.75
    rates = campaign_rates.current_rates(session, [campaign.id], opened.date())
    assert (rates[campaign.id].invited, rates[campaign.id].completed) == (4, 3)


def test_the_rate_chart_names_its_figures_in_text() -> None:
    svg = rate_chart(
        [RateMark("1 Mar", 0.0), RateMark("2 Mar", None), RateMark("3 Mar", 0.5)],
        chart_id="rate-1",
        title="Response rate <over> time",
        description="From 1 to 3 March",
        ticks=["0%", "25%", "50%", "75%", "100%"],
        last_text="50%",
    )
    assert svg.startswith("<svg") and 'aria-labelledby="rate-1-title rate-1-desc"' in svg
    assert "Response rate &lt;over&gt; time" in svg and ">50%</text>" in svg
    assert svg.count("<polyline") == 1
    with pytest.raises(ValueError, match="between 0 and 1"):
        rate_chart([RateMark("x", 1.5)], chart_id="r", title="", description="",
                   ticks=["a"] * 5, last_text="")  # fmt: skip


def test_the_campaign_list_and_page_show_the_response_rate(app, client, auth) -> None:
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        made = [make_invitation(session, campaign)[0] for _ in range(4)]
        made[0].used_at = utcnow()
        campaign_id = campaign.id
    staff_login(app, auth)
    listing = client.get("/surveys/campaigns").get_data(as_text=True)
    assert ">25%<" in listing
    page = client.get(f"/surveys/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Response rate over time" in page and 'class="chart chart-rate"' in page
    assert "Data of the chart: Response rate over time" in page


def test_the_command_line_edits_resends_and_corrects(app, runner) -> None:
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        invitation, token = make_invitation(session, campaign)
        invitation.sent_at = utcnow()
        ids = (campaign.id, invitation.id)
    edited = runner.invoke(
        args=["surveys", "campaign-edit", str(ids[0]), "--reminder-limit", "1", "--closes", "none"]
    )
    assert edited.exit_code == 0, edited.output
    assert edited.output.strip() == f"campaign {ids[0]}: reminder_limit changed"
    resent = runner.invoke(args=["surveys", "resend", *map(str, ids), "--no-mail"])
    assert resent.exit_code == 0, resent.output
    assert "/s/" in resent.stdout and token not in resent.stdout
    corrected = runner.invoke(args=["surveys", "correct-email", *map(str, ids), "new@example.org"])
    assert corrected.exit_code == 0 and "1 link(s) revoked" in corrected.output
    listed = runner.invoke(args=["surveys", "invitees", str(ids[0]), "--status", "not_sent"])
    assert f"{ids[1]}\tnot_sent\tnew@example.org" in listed.output
    refused = runner.invoke(args=["surveys", "campaign-delete", str(ids[0]), "--yes"])
    assert refused.exit_code == 1 and "Only a draft campaign" in refused.output
    with database(app).transaction() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_command_line_invite_adds_new_people_and_reports_the_others(
    app, runner, tmp_path
) -> None:
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        invitation, _ = make_invitation(session, campaign, email="old@example.org")
        campaign_id = campaign.id
    roster = tmp_path / "roster.csv"
    roster.write_text("email\nnew@example.org\nold@example.org\n")
    links = tmp_path / "links.csv"
    result = runner.invoke(
        args=["surveys", "invite", str(campaign_id), str(roster), "--links-out", str(links)]
    )
    assert result.exit_code == 0, result.output
    assert "line 3: already invited, left unchanged" in result.output
    assert "1 invitations created" in result.output
    assert links.read_text().splitlines()[1].startswith("new@example.org,")
