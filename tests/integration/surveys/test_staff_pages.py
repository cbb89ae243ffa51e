"""Staff campaign pages: create, open, roster upload all-or-nothing, progress, mail buttons."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from portal.db import database
from portal.models import AuditEvent
from surveys.models import Campaign, Invitation
from tests.conftest import csrf_from
from tests.factories import make_user
from tests.outbox_helpers import deliver_mail


def staff_login(app, auth) -> None:
    with database(app).transaction() as session:
        email = make_user(session, "staff").email
    auth.login(email)


def create(client) -> int:
    response = client.post(
        "/surveys/campaigns/new",
        data={
            "survey": "volunteer_exit",
            "year": "2026",
            "title": "",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
            "csrf_token": csrf_from(client, "/surveys/campaigns/new"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_staff_create_open_and_see_a_campaign(app, client, auth) -> None:
    staff_login(app, auth)
    campaign_id = create(client)
    page = client.get(f"/surveys/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Open the campaign" in page
    token = csrf_from(client, f"/surveys/campaigns/{campaign_id}")
    client.post(f"/surveys/campaigns/{campaign_id}/open", data={"csrf_token": token})
    page = client.get(f"/surveys/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Close the campaign" in page and "Response rate" in page
    listing = client.get("/surveys/campaigns").get_data(as_text=True)
    assert f"/surveys/campaigns/{campaign_id}" in listing


def test_closing_dates_out_of_order_are_a_form_error(app, client, auth) -> None:
    staff_login(app, auth)
    response = client.post(
        "/surveys/campaigns/new",
        data={
            "survey": "partner",
            "year": "2026",
            "opens_on": "2026-05-01",
            "closes_on": "2026-04-01",
            "csrf_token": csrf_from(client, "/surveys/campaigns/new"),
        },
    )
    assert response.status_code == 200
    assert "closing date must not be before" in response.get_data(as_text=True)


def upload(client, campaign_id: int, content: bytes, name: str = "roster.csv"):
    url = f"/surveys/campaigns/{campaign_id}/roster"
    return client.post(
        url,
        data={"roster": (io.BytesIO(content), name), "csrf_token": csrf_from(client, url)},
        content_type="multipart/form-data",
    )


def test_a_roster_upload_lists_each_bad_cell_and_stores_nothing(app, client, auth) -> None:
    staff_login(app, auth)
    campaign_id = create(client)
    response = upload(client, campaign_id, b"email,age,colour\na@example.org,abc,blue\n")
    assert response.status_code == 422
    assert "Unknown column(s): colour" in response.get_data(as_text=True)
    response = upload(client, campaign_id, b"email,age\na@example.org,abc\nb@example.org,30\n")
    assert "Line 2, column age" in response.get_data(as_text=True)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_a_good_roster_upload_adds_the_invitees_and_mail_goes_out_by_button(
    app, client, auth, smtp
) -> None:
    staff_login(app, auth)
    campaign_id = create(client)
    token = csrf_from(client, f"/surveys/campaigns/{campaign_id}")
    client.post(f"/surveys/campaigns/{campaign_id}/open", data={"csrf_token": token})
    response = upload(client, campaign_id, b"email,language\na@example.org,fr\nb@example.org,\n")
    assert response.status_code == 302
    token = csrf_from(client, f"/surveys/campaigns/{campaign_id}")
    sent = client.post(
        f"/surveys/campaigns/{campaign_id}/send-invitations",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Invitations queued for sending: 2." in sent.get_data(as_text=True)
    deliver_mail(app)
    assert sorted(m["To"] for m in smtp.messages) == ["a@example.org", "b@example.org"]
    token = csrf_from(client, f"/surveys/campaigns/{campaign_id}")
    client.post(f"/surveys/campaigns/{campaign_id}/send-invitations", data={"csrf_token": token})
    deliver_mail(app)
    assert len(smtp.messages) == 2  # nobody is invited twice
    page = client.get(f"/surveys/campaigns/{campaign_id}").get_data(as_text=True)
    assert "a@example.org" not in page  # progress shows counts, never who


def test_remind_twice_mails_each_invitee_once_per_schedule(app, client, auth, smtp) -> None:
    """Reproduced: "Remind" twice sent 14 reminders to 7 people (the web passed min_days=0)."""
    staff_login(app, auth)
    campaign_id = create(client)
    url = f"/surveys/campaigns/{campaign_id}"
    client.post(f"{url}/open", data={"csrf_token": csrf_from(client, url)})
    upload(
        client, campaign_id, ("email\n" + "".join(f"p{n}@example.org\n" for n in range(7))).encode()
    )
    client.post(f"{url}/send-invitations", data={"csrf_token": csrf_from(client, url)})
    remind = client.post(
        f"{url}/send-reminders", data={"csrf_token": csrf_from(client, url)}, follow_redirects=True
    )
    assert "Reminders queued for sending: 0." in remind.get_data(as_text=True)
    assert "7 days after their last mail at the earliest" in remind.get_data(as_text=True)
    with database(app).transaction() as session:
        for invitation in session.scalars(select(Invitation)):
            invitation.sent_at -= timedelta(days=8)  # a week goes by
    for expected in (7, 0):
        remind = client.post(
            f"{url}/send-reminders",
            data={"csrf_token": csrf_from(client, url)},
            follow_redirects=True,
        )
        assert f"Reminders queued for sending: {expected}." in remind.get_data(as_text=True)
    deliver_mail(app)
    reminders = [m for m in smtp.messages if m["Subject"].startswith("Reminder:")]
    assert len(reminders) == 7
    assert len({m["To"] for m in reminders}) == 7


def test_purging_contacts_is_audited(app, client, auth) -> None:
    staff_login(app, auth)
    campaign_id = create(client)
    upload(client, campaign_id, b"email\na@example.org\n")
    for action in ("open", "close", "purge-contacts"):
        token = csrf_from(client, f"/surveys/campaigns/{campaign_id}")
        client.post(f"/surveys/campaigns/{campaign_id}/{action}", data={"csrf_token": token})
    with database(app).transaction() as session:
        assert session.scalar(select(Invitation.contact_email)) is None
        assert session.get(Campaign, campaign_id).contacts_purged_at is not None
        actions = set(session.scalars(select(AuditEvent.action)))
    assert "surveys.contacts_purged" in actions


def test_an_unknown_campaign_is_404(app, client, auth) -> None:
    staff_login(app, auth)
    assert client.get("/surveys/campaigns/999").status_code == 404
    assert client.get("/surveys/campaigns/999/export/csv").status_code == 404
