"""Invitations and reminders via a real SMTP server on loopback, in the invitee's language."""

from __future__ import annotations

import csv
import re
from datetime import timedelta

from sqlalchemy import select

from portal.db import database, utcnow
from surveys import sending
from surveys.models import Invitation, InvitationLink
from tests.integration.surveys.builders import make_campaign, make_invitation
from tests.outbox_helpers import deliver_mail

WEEK = timedelta(days=8)  # longer than a campaign's reminder interval (7 days by default)


def text_and_html(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def arrange_campaign(app, people: list[dict]) -> tuple[int, list[int]]:
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        ids = [make_invitation(session, campaign, **person)[0].id for person in people]
        return campaign.id, ids


def test_invitations_go_out_in_each_invitees_language_with_a_base_url_link(
    app, smtp, shipped
) -> None:
    campaign_id, _ = arrange_campaign(
        app,
        [
            {"email": "ana@example.org", "name": "Ana", "locale": "fr"},
            {"email": "ben@example.org", "name": "Ben", "locale": "es"},
            {"email": "cai@example.org", "name": None, "locale": None},
        ],
    )
    with app.test_request_context(base_url="http://evil.example"), database(app).transaction() as s:
        assert sending.send_invitations(s, None, campaign_id, valid_days=60, now=utcnow()) == 3
    deliver_mail(app)
    assert len(smtp.messages) == 3
    french = smtp.to("ana@example.org")[0]
    title = shipped["volunteer_exit"].title
    assert title["fr"] in french["Subject"]
    text, html = text_and_html(french)
    link = re.search(r"https://portal\.example\.org/s/[\w-]{43}", text).group(0)
    assert f'href="{link}"' in html
    assert "evil.example" not in text + html
    assert "Ana" in text
    assert title["es"] in smtp.to("ben@example.org")[0]["Subject"]
    assert title["en"] in smtp.to("cai@example.org")[0]["Subject"]


def test_the_mailed_link_opens_the_survey(app, smtp, client) -> None:
    campaign_id, _ = arrange_campaign(app, [{"email": "ana@example.org"}])
    with app.test_request_context(), database(app).transaction() as session:
        sending.send_invitations(session, None, campaign_id, valid_days=60, now=utcnow())
    deliver_mail(app)
    text, _ = text_and_html(smtp.messages[0])
    path = re.search(r"https://portal\.example\.org(/s/[\w-]{43})", text).group(1)
    assert client.get(path).status_code == 302
    assert client.get("/s/answer").status_code == 200


def test_reminders_go_only_to_invitees_who_have_not_completed(app, smtp) -> None:
    people = [{"email": f"p{n}@example.org"} for n in range(4)]
    campaign_id, ids = arrange_campaign(app, people)
    with database(app).transaction() as session:
        for invitation_id in ids:
            session.get(Invitation, invitation_id).sent_at = utcnow() - WEEK
        session.get(Invitation, ids[0]).used_at = utcnow()  # completed
        session.get(Invitation, ids[1]).started_at = utcnow()  # started, not completed
    with app.test_request_context(), database(app).transaction() as session:
        assert sending.send_reminders(session, None, campaign_id, valid_days=60, now=utcnow()) == 3
    deliver_mail(app)
    assert sorted(m["To"] for m in smtp.messages) == [
        "p1@example.org",
        "p2@example.org",
        "p3@example.org",
    ]
    assert all(m["Subject"].startswith("Reminder:") for m in smtp.messages)
    with database(app).transaction() as session:
        reminded = {i.id: i.reminder_count for i in session.scalars(select(Invitation))}
        purposes = list(session.scalars(select(InvitationLink.purpose)))
    assert reminded == {ids[0]: 0, ids[1]: 1, ids[2]: 1, ids[3]: 1}
    assert purposes.count("reminder") == 3


def test_a_reminder_brings_a_new_link_and_the_first_one_still_works(app, smtp, client) -> None:
    campaign_id, (invitation_id,) = arrange_campaign(app, [{"email": "p@example.org"}])
    with app.test_request_context(), database(app).transaction() as session:
        sending.send_invitations(session, None, campaign_id, valid_days=60, now=utcnow() - WEEK)
        sending.send_reminders(session, None, campaign_id, valid_days=60, now=utcnow())
    deliver_mail(app)
    links = [re.search(r"/s/[\w-]{43}", text_and_html(m)[0]).group(0) for m in smtp.messages]
    assert len(set(links)) == 2
    assert [app.test_client().get(link).status_code for link in links] == [302, 302]


def test_cli_invite_with_send_mails_the_links_it_writes(app, runner, smtp, tmp_path) -> None:
    with database(app).transaction() as session:
        campaign_id = make_campaign(session).id
    roster = tmp_path / "roster.csv"
    roster.write_text("email,name,language\nana@example.org,Ana,fr\nben@example.org,Ben,en\n")
    links_file = tmp_path / "links.csv"
    result = runner.invoke(
        args=[
            "surveys",
            "invite",
            str(campaign_id),
            str(roster),
            "--links-out",
            str(links_file),
            "--send",
        ]
    )
    assert result.exit_code == 0, result.output
    deliver_mail(app)
    with links_file.open() as handle:
        links = {row["email"]: row["link"] for row in csv.DictReader(handle)}
    assert len(smtp.messages) == 2
    for message in smtp.messages:
        assert links[message["To"]] in text_and_html(message)[0]


def test_cli_reminders_skip_those_reminded_recently(app, runner, smtp) -> None:
    campaign_id, ids = arrange_campaign(
        app, [{"email": "a@example.org"}, {"email": "b@example.org"}]
    )
    with database(app).transaction() as session:
        for invitation_id in ids:
            invitation = session.get(Invitation, invitation_id)
            invitation.sent_at = utcnow() - WEEK
        session.get(Invitation, ids[0]).reminded_at = utcnow()
    result = runner.invoke(args=["surveys", "send-reminders", str(campaign_id)])
    assert result.exit_code == 0, result.output
    deliver_mail(app)
    assert [m["To"] for m in smtp.messages] == ["b@example.org"]


def test_a_refusing_mail_server_delays_the_reminder_and_keeps_its_link(app, runner) -> None:
    from portal.models import OutboxMessage
    from tests.integration.surveys.conftest import free_port

    campaign_id, ids = arrange_campaign(app, [{"email": "a@example.org"}])
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    with database(app).transaction() as session:
        session.get(Invitation, ids[0]).sent_at = utcnow() - WEEK
        links_before = len(session.scalars(select(InvitationLink)).all())
    result = runner.invoke(args=["surveys", "send-reminders", str(campaign_id)])
    assert result.exit_code == 0, result.output
    counts = deliver_mail(app)
    assert (counts.sent, counts.deferred, counts.failed) == (0, 1, 0)
    with database(app).transaction() as session:
        # The reminder and its link are stored together; the mail waits for the server.
        assert len(session.scalars(select(InvitationLink)).all()) == links_before + 1
        assert session.get(Invitation, ids[0]).reminder_count == 1
        (item,) = session.scalars(select(OutboxMessage)).all()
        assert (item.state, item.attempts) == ("queued", 1)
        assert item.last_error.startswith("ConnectionRefusedError")


def test_cli_invite_with_a_refusing_mail_server_stores_the_links_and_queues_the_mail(
    app, runner, tmp_path
) -> None:
    from portal.models import OutboxMessage
    from tests.integration.surveys.conftest import free_port

    with database(app).transaction() as session:
        campaign_id = make_campaign(session).id
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    roster = tmp_path / "roster.csv"
    roster.write_text("email\nana@example.org\n")
    links_file = tmp_path / "links.csv"
    result = runner.invoke(
        args=[
            "surveys",
            "invite",
            str(campaign_id),
            str(roster),
            "--links-out",
            str(links_file),
            "--send",
        ]
    )
    assert result.exit_code == 0, result.output
    assert links_file.exists()
    deliver_mail(app)
    with database(app).transaction() as session:
        assert len(session.scalars(select(Invitation)).all()) == 1
        assert [item.state for item in session.scalars(select(OutboxMessage))] == ["queued"]
