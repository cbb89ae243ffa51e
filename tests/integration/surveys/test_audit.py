"""The audit trail of survey actions: the same row from the staff pages and the command line."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from portal.db import database, utcnow
from portal.models import AuditEvent
from surveys.answering import submit_response
from surveys.campaigns import campaign_definition, get_campaign
from surveys.models import Invitation, InvitationLink
from tests.conftest import csrf_from
from tests.factories import make_user
from tests.integration.surveys.builders import (
    answers_for,
    make_campaign,
    make_invitation,
    page_form,
)

ROSTER = "email,language\n{0}1@example.org,fr\n{0}2@example.org,en\n"


def staff_login(app, auth) -> int:
    with database(app).transaction() as session:
        user = make_user(session, "staff")
    auth.login(user.email)
    return user.id


def rows_of(app, action: str) -> list[dict[str, Any]]:
    """The audit rows of `action`, oldest first, as plain values."""
    with database(app).transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        return [
            {
                "actor_id": event.actor_id,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "details": event.details,
            }
            for event in events
        ]


def web_and_cli_rows(app, action: str, staff_id: int) -> tuple[dict, dict]:
    """The two rows of `action`: the first by the signed-in staff, the second by the command."""
    web, cli = rows_of(app, action)
    assert (web.pop("actor_id"), cli.pop("actor_id")) == (staff_id, None)
    return web, cli


def press(client, campaign_id: int, button: str):
    token = csrf_from(client, f"/surveys/campaigns/{campaign_id}")
    return client.post(f"/surveys/campaigns/{campaign_id}/{button}", data={"csrf_token": token})


def arrange_campaigns(app, count: int, **options: Any) -> list[int]:
    with database(app).transaction() as session:
        return [make_campaign(session, **options).id for _ in range(count)]


def test_creating_a_campaign_is_audited_alike_from_the_page_and_the_command(
    app, client, auth, runner
) -> None:
    staff_id = staff_login(app, auth)
    form = {"survey": "volunteer_exit", "year": "2026", "title": ""}
    form["csrf_token"] = csrf_from(client, "/surveys/campaigns/new")
    response = client.post("/surveys/campaigns/new", data=form)
    web_id = int(response.headers["Location"].rsplit("/", 1)[1])
    args = ["surveys", "campaign-create", "--survey", "volunteer_exit", "--year", "2026", "--draft"]
    result = runner.invoke(args=args)
    cli_id = int(result.output.strip())
    web, cli = web_and_cli_rows(app, "surveys.campaign_created", staff_id)
    assert (web.pop("object_id"), cli.pop("object_id")) == (web_id, cli_id)
    assert web == cli
    assert web["object_type"] == "survey_campaign"
    assert set(web["details"]) == {"definition_version_id"}


def test_opening_a_campaign_is_audited_alike_from_the_page_and_the_command(
    app, client, auth, runner
) -> None:
    staff_id = staff_login(app, auth)
    web_id, cli_id = arrange_campaigns(app, 2, state="draft")
    assert press(client, web_id, "open").status_code == 302
    assert runner.invoke(args=["surveys", "campaign-open", str(cli_id)]).exit_code == 0
    web, cli = web_and_cli_rows(app, "surveys.campaign_opened", staff_id)
    assert (web.pop("object_id"), cli.pop("object_id")) == (web_id, cli_id)
    assert web == cli


def test_closing_a_campaign_is_audited_alike_from_the_page_and_the_command(
    app, client, auth, runner
) -> None:
    staff_id = staff_login(app, auth)
    web_id, cli_id = arrange_campaigns(app, 2)
    press(client, web_id, "close")
    assert runner.invoke(args=["surveys", "campaign-close", str(cli_id)]).exit_code == 0
    web, cli = web_and_cli_rows(app, "surveys.campaign_closed", staff_id)
    assert (web.pop("object_id"), cli.pop("object_id")) == (web_id, cli_id)
    assert web == cli
    assert web == {
        "action": "surveys.campaign_closed",
        "object_type": "survey_campaign",
        "details": {},
    }


def test_a_roster_upload_and_the_invite_command_write_the_same_audit_row(
    app, client, auth, runner, tmp_path
) -> None:
    staff_id = staff_login(app, auth)
    (campaign_id,) = arrange_campaigns(app, 1)
    url = f"/surveys/campaigns/{campaign_id}/roster"
    upload = (io.BytesIO(ROSTER.format("web").encode()), "roster.csv")
    response = client.post(
        url,
        data={"roster": upload, "csrf_token": csrf_from(client, url)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.format("cli"))
    args = ["surveys", "invite", str(campaign_id), str(roster), "--links-out", str(tmp_path / "l")]
    assert runner.invoke(args=args).exit_code == 0
    web, cli = web_and_cli_rows(app, "surveys.roster_imported", staff_id)
    assert web == cli
    assert (web["object_id"], web["details"]) == (
        campaign_id,
        {"invitations": 2, "already_invited": 0},
    )
    # The command also handed out links in a file: that is audited as such, by the command.
    (issued,) = rows_of(app, "surveys.links_issued")
    assert (issued["actor_id"], issued["details"]) == (None, {"links": 2})


def test_sending_invitations_is_audited_alike_from_the_page_and_the_invite_command(
    app, client, auth, runner, tmp_path
) -> None:
    staff_id = staff_login(app, auth)
    (campaign_id,) = arrange_campaigns(app, 1)
    with database(app).transaction() as session:
        campaign = get_campaign(session, campaign_id)
        make_invitation(session, campaign)
        make_invitation(session, campaign)
    assert press(client, campaign_id, "send-invitations").status_code == 302
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.format("cli"))
    args = ["surveys", "invite", str(campaign_id), str(roster), "--links-out", str(tmp_path / "l")]
    assert runner.invoke(args=[*args, "--send"]).exit_code == 0
    web, cli = web_and_cli_rows(app, "surveys.invitations_sent", staff_id)
    assert web == cli
    assert (web["object_id"], web["details"]) == (campaign_id, {"invitations": 2})


def test_sending_reminders_is_audited_alike_from_the_page_and_the_command(
    app, client, auth, runner
) -> None:
    staff_id = staff_login(app, auth)
    (campaign_id,) = arrange_campaigns(app, 1)
    with database(app).transaction() as session:
        campaign = get_campaign(session, campaign_id)
        for _ in range(3):
            make_invitation(session, campaign)[0].sent_at = utcnow() - timedelta(days=8)
    assert press(client, campaign_id, "send-reminders").status_code == 302
    with database(app).transaction() as session:
        for invitation in session.scalars(select(Invitation)):
            invitation.reminded_at -= timedelta(days=8)  # the next reminder is due
    args = ["surveys", "send-reminders", str(campaign_id)]
    assert runner.invoke(args=args).exit_code == 0
    web, cli = web_and_cli_rows(app, "surveys.reminders_sent", staff_id)
    assert web == cli
    assert (web["object_id"], web["details"]) == (campaign_id, {"reminders": 3})


def test_purging_contacts_is_audited_alike_from_the_page_and_the_command(
    app, client, auth, runner
) -> None:
    staff_id = staff_login(app, auth)
    with database(app).transaction() as session:
        campaigns = [make_campaign(session), make_campaign(session)]
        for campaign in campaigns:
            make_invitation(session, campaign)
            make_invitation(session, campaign)
        web_id, cli_id = (campaign.id for campaign in campaigns)
    for campaign_id in (web_id, cli_id):
        runner.invoke(args=["surveys", "campaign-close", str(campaign_id)])
    press(client, web_id, "purge-contacts")
    assert runner.invoke(args=["surveys", "purge-contacts", str(cli_id)]).exit_code == 0
    web, cli = web_and_cli_rows(app, "surveys.contacts_purged", staff_id)
    assert (web.pop("object_id"), cli.pop("object_id")) == (web_id, cli_id)
    assert web == cli
    assert web["details"] == {"invitations": 2}


def test_exporting_responses_is_audited_alike_with_format_and_row_count(
    app, client, auth, runner, shipped, tmp_path
) -> None:
    staff_id = staff_login(app, auth)
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        for _ in range(5):  # an export needs k = 5 responses
            invitation, _ = make_invitation(session, campaign)
            answers = answers_for(shipped["volunteer_exit"])
            definition = campaign_definition(campaign)
            submit_response(session, invitation, definition, answers, utcnow(), "developing_2017")
        campaign_id = campaign.id
    response = client.get(f"/surveys/campaigns/{campaign_id}/export/xlsx?lang=fr")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    out = tmp_path / "export.xlsx"
    args = ["surveys", "export-responses", str(campaign_id), "--format", "xlsx", "--out", str(out)]
    assert runner.invoke(args=[*args, "--lang", "fr"]).exit_code == 0
    web, cli = web_and_cli_rows(app, "surveys.responses_exported", staff_id)
    assert web == cli
    details = {"format": "xlsx", "rows": 5, "anonymised": True, "k": 5, "suppressed_cells": 0}
    assert (web["object_id"], web["details"]) == (campaign_id, details)


def test_importing_responses_from_the_command_line_is_audited_with_the_count(
    app, runner, tmp_path
) -> None:
    (campaign_id,) = arrange_campaigns(app, 1)
    data = tmp_path / "responses.csv"
    data.write_text(
        "email,submitted_at,assignment_end_date,satisfied_experience,development_contribution,"
        "skills_gained,recommend_volunteering\n"
        "a@example.org,2025-03-04,2025-02-28,fully_agree,neither,technical,yes_probably\n"
    )
    result = runner.invoke(args=["surveys", "import-responses", str(campaign_id), str(data)])
    assert result.exit_code == 0, result.output
    (row,) = rows_of(app, "surveys.responses_imported")
    assert row == {
        "actor_id": None,
        "action": "surveys.responses_imported",
        "object_type": "survey_campaign",
        "object_id": campaign_id,
        "details": {"responses": 1},
    }


def test_answering_through_a_link_writes_no_audit_row(app, client, shipped) -> None:
    definition = shipped["volunteer_exit"]
    with database(app).transaction() as session:
        _, token = make_invitation(session, make_campaign(session))
        before = len(session.scalars(select(AuditEvent)).all())
    client.get(f"/s/{token}")
    answers = answers_for(definition)
    for page_index in range(len(definition.pages)):
        form = page_form(definition, page_index, answers)
        form["csrf_token"] = csrf_from(client, "/s/answer")
        form["action"] = "submit" if page_index == len(definition.pages) - 1 else "next"
        response = client.post("/s/answer", data=form)
        last = page_index == len(definition.pages) - 1
        assert response.status_code == (200 if last else 302), response.get_data(as_text=True)[:300]
    assert "Thank you" in response.get_data(as_text=True)
    with database(app).transaction() as session:
        assert len(session.scalars(select(AuditEvent)).all()) == before


def test_a_mail_server_refusing_the_page_s_invitations_delays_the_mail_not_the_decision(
    app, client, auth
) -> None:
    from portal.models import OutboxMessage
    from tests.integration.surveys.conftest import free_port
    from tests.outbox_helpers import deliver_mail

    staff_login(app, auth)
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        invitation = Invitation(campaign=campaign, contact_email="a@example.org")
        session.add(invitation)
        session.flush()
        campaign_id = campaign.id
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    page = client.post(
        f"/surveys/campaigns/{campaign_id}/send-invitations",
        data={"csrf_token": csrf_from(client, f"/surveys/campaigns/{campaign_id}")},
        follow_redirects=True,
    )
    assert "Invitations queued for sending: 1." in page.get_data(as_text=True)
    assert deliver_mail(app).deferred == 1
    with database(app).transaction() as session:
        (link,) = session.scalars(select(InvitationLink)).all()
        assert session.scalar(select(Invitation.sent_at)) is not None
        (item,) = session.scalars(select(OutboxMessage)).all()
        assert (item.state, item.idempotency_key) == ("queued", f"invitation-link:{link.id}")
    assert len(rows_of(app, "surveys.invitations_sent")) == 1
