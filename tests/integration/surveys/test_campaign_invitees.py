"""Campaign invitees on the staff pages: status and filters, resending a link (the older ones
die), correcting an address, and adding people to a campaign that already has some."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.db import database, utcnow
from portal.models import AuditEvent, OutboxMessage
from surveys import campaign_invitees
from surveys.campaigns import link_mail_key
from surveys.models import Invitation, InvitationLink
from tests.conftest import csrf_from
from tests.integration.surveys.builders import make_campaign, make_invitation
from tests.integration.surveys.test_staff_pages import staff_login
from tests.outbox_helpers import deliver_mail

LINK = re.compile(r"https?://[^\"<\s]+/s/[\w-]{43}")


def arrange(app, count: int = 1, **options) -> tuple[int, list[int], list[str]]:
    with database(app).transaction() as session:
        campaign = make_campaign(session, **options)
        made = [make_invitation(session, campaign, name=f"Person {n}") for n in range(count)]
        for invitation, _ in made:
            invitation.sent_at = utcnow()
        return campaign.id, [i.id for i, _ in made], [token for _, token in made]


def test_each_invitee_shows_where_they_stand_and_the_list_filters_by_status(app, client, auth):
    campaign_id, ids, _ = arrange(app, 6)
    now = utcnow()
    with database(app).transaction() as session:
        invitations = [session.get(Invitation, i) for i in ids]
        invitations[0].sent_at = None
        invitations[2].opened_at = now
        invitations[3].opened_at = invitations[3].started_at = now
        invitations[4].used_at = now
        failed = session.scalar(
            select(InvitationLink.id).where(InvitationLink.invitation_id == ids[5])
        )
        session.add(
            OutboxMessage(
                recipient="x@example.org",
                template="survey_invitation",
                idempotency_key=link_mail_key(failed),
                state="failed",
                last_error="550 5.1.1 mailbox unknown",
            )
        )
    with database(app).transaction() as session:
        counts = campaign_invitees.status_counts(session, campaign_id)
    assert counts == {
        "not_sent": 1,
        "invited": 1,
        "mail_failed": 1,
        "opened": 1,
        "in_progress": 1,
        "completed": 1,
    }
    staff_login(app, auth)
    page = client.get(f"/surveys/campaigns/{campaign_id}/invitees?status=mail_failed")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 invitee matches." in text and "Person 5" in text and "Person 4" not in text
    detail = client.get(f"/surveys/campaigns/{campaign_id}/invitees/{ids[5]}").get_data(True)
    assert "550 5.1.1 mailbox unknown" in detail
    found = client.get(f"/surveys/campaigns/{campaign_id}/invitees?q=PERSON+3").get_data(True)
    assert "1 invitee matches." in found and "Person 3" in found


def test_the_invitee_list_comes_a_page_at_a_time(app, client, auth):
    campaign_id, _, _ = arrange(app, campaign_invitees.PER_PAGE + 3)
    staff_login(app, auth)
    url = f"/surveys/campaigns/{campaign_id}/invitees"
    first = client.get(url).get_data(as_text=True)
    last = client.get(url + "?page=2").get_data(as_text=True)
    beyond = client.get(url + "?page=99999999999999999999999")
    assert "Page 1 of 2" in first and "Person 52" not in first
    assert "Page 2 of 2" in last and "Person 52" in last
    assert beyond.status_code == 200 and "Page 2 of 2" in beyond.get_data(as_text=True)


def test_resending_asks_first_then_shows_the_new_link_once_and_the_old_one_dies(
    app, client, auth, smtp
):
    campaign_id, (invitation_id,), (old_token,) = arrange(app)
    volunteer = app.test_client()
    assert volunteer.get(f"/s/{old_token}").status_code == 302  # opened before the resend
    staff_login(app, auth)
    url = f"/surveys/campaigns/{campaign_id}/invitees/{invitation_id}/resend"
    confirm = client.get(url).get_data(as_text=True)
    assert "1 link made before for this invitee stops working" in confirm
    with database(app).transaction() as session:
        assert session.scalar(select(func.count(InvitationLink.id))) == 1  # asking changed nothing
    shown = client.post(url, data={"mail": "y", "csrf_token": csrf_from(client, url)})
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    (link,) = set(LINK.findall(text))
    assert "shown only now" in text
    deliver_mail(app)
    (mail,) = smtp.messages
    assert link in mail.get_body(preferencelist=("plain",)).get_content()
    old = app.test_client().get(f"/s/{old_token}")
    assert old.status_code == 410 and "replaced by a newer one" in old.get_data(as_text=True)
    assert volunteer.get("/s/answer").status_code == 410  # the session the old link opened
    fresh = app.test_client()
    assert fresh.get("/s/" + link.rsplit("/", 1)[1]).status_code == 302
    assert fresh.get("/s/answer").status_code == 200
    with database(app).transaction() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "surveys.link_resent"))
        assert event.details == {"invitation_id": invitation_id, "mailed": True, "links_revoked": 1}


def test_a_resent_link_not_mailed_is_only_shown(app, client, auth):
    campaign_id, (invitation_id,), _ = arrange(app)
    staff_login(app, auth)
    url = f"/surveys/campaigns/{campaign_id}/invitees/{invitation_id}/resend"
    shown = client.post(url, data={"csrf_token": csrf_from(client, url)})
    assert "The link was not mailed" in shown.get_data(as_text=True)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_completed_invitee_gets_no_new_link(app, client, auth):
    campaign_id, (invitation_id,), _ = arrange(app)
    with database(app).transaction() as session:
        session.get(Invitation, invitation_id).used_at = utcnow()
    staff_login(app, auth)
    url = f"/surveys/campaigns/{campaign_id}/invitees/{invitation_id}/resend"
    refused = client.post(url, data={"csrf_token": csrf_from(client, url)}, follow_redirects=True)
    assert "already completed the survey" in refused.get_data(as_text=True)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count(InvitationLink.id))) == 1


def test_correcting_an_address_revokes_its_links_and_drops_the_mail_not_sent(app, client, auth):
    campaign_id, ids, tokens = arrange(app, 2)
    with database(app).transaction() as session:
        link_id = session.scalar(
            select(InvitationLink.id).where(InvitationLink.invitation_id == ids[0])
        )
        session.add(
            OutboxMessage(
                recipient="wrong@example.org",
                template="survey_invitation",
                idempotency_key=link_mail_key(link_id),
            )
        )
        taken = session.get(Invitation, ids[1]).contact_email
    staff_login(app, auth)
    url = f"/surveys/campaigns/{campaign_id}/invitees/{ids[0]}"
    duplicate = client.post(
        url + "/email", data={"email": taken, "csrf_token": csrf_from(client, url)}
    )
    assert duplicate.status_code == 422
    assert "Another invitee of this campaign has this address" in duplicate.get_data(True)
    fixed = client.post(
        url + "/email",
        data={"email": " Right@Example.org ", "csrf_token": csrf_from(client, url)},
    )
    assert fixed.status_code == 302
    with database(app).transaction() as session:
        invitation = session.get(Invitation, ids[0])
        assert (invitation.contact_email, invitation.sent_at) == ("right@example.org", None)
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert app.test_client().get(f"/s/{tokens[0]}").status_code == 410
    assert app.test_client().get(f"/s/{tokens[1]}").status_code == 302


def _upload(client, campaign_id: int, content: str):
    url = f"/surveys/campaigns/{campaign_id}/roster"
    return client.post(
        url,
        data={
            "roster": (io.BytesIO(content.encode()), "more.csv"),
            "csrf_token": csrf_from(client, url),
        },
        content_type="multipart/form-data",
    )


def test_a_roster_mixing_new_and_invited_people_adds_the_new_and_reports_the_others(
    app, client, auth
):
    campaign_id, (invitation_id,), _ = arrange(app)
    with database(app).transaction() as session:
        known = session.get(Invitation, invitation_id).contact_email
    staff_login(app, auth)
    page = _upload(client, campaign_id, f"email,name\nnew@example.org,New\n{known},Renamed\n")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1 invitee added." in text and f"Line 3: {known}" in text
    with database(app).transaction() as session:
        names = dict(
            session.execute(select(Invitation.contact_email, Invitation.contact_name)).all()
        )
        imported = session.scalar(
            select(AuditEvent.details).where(AuditEvent.action == "surveys.roster_imported")
        )
    assert names == {known: "Person 0", "new@example.org": "New"}  # the invitee kept their name
    assert imported == {"invitations": 1, "already_invited": 1}
    bad = _upload(client, campaign_id, "email,age\nother@example.org,abc\n")
    assert bad.status_code == 422  # a bad cell still refuses the whole file


def test_reminders_stop_at_the_campaigns_limit(app) -> None:
    from surveys import campaign_settings, sending

    campaign_id, (invitation_id,), _ = arrange(app)
    with database(app).transaction() as session:
        session.get(Invitation, invitation_id).sent_at = utcnow() - timedelta(days=30)
        campaign = session.get(Invitation, invitation_id).campaign
        wanted = campaign_settings.CampaignSettings.of(campaign)
        wanted = campaign_settings.CampaignSettings(
            **{**wanted.__dict__, "reminder_days": 2, "reminder_limit": 2}
        )
        campaign_settings.update_campaign(session, None, campaign_id, wanted, today=utcnow().date())
    sent = []
    with app.test_request_context():
        for day in range(0, 12, 3):
            with database(app).transaction() as session:
                now = utcnow() + timedelta(days=day)
                sent.append(
                    sending.send_reminders(session, None, campaign_id, valid_days=60, now=now)
                )
    assert sent == [1, 1, 0, 0]


def test_simultaneous_reminders_mail_each_invitee_once(app) -> None:
    """Six doors (pages, command line, worker) reminding the same campaign at the same moment."""
    import threading

    from surveys import sending

    campaign_id, ids, _ = arrange(app, 5)
    with database(app).transaction() as session:
        for invitation_id in ids:
            session.get(Invitation, invitation_id).sent_at = utcnow() - timedelta(days=8)
    start, queued, errors = threading.Barrier(6), [], []

    def remind() -> None:
        try:
            with app.app_context():
                start.wait(timeout=30)
                with database(app).transaction() as session:
                    queued.append(sending.send_reminders(session, None, campaign_id, valid_days=60))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(error))

    threads = [threading.Thread(target=remind) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(queued) == [0, 0, 0, 0, 0, 5]
    with database(app).transaction() as session:
        counts = session.scalars(select(Invitation.reminder_count)).all()
        mails = session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.template == "survey_reminder")
        )
    assert (sorted(counts), mails) == ([1] * 5, 5)
