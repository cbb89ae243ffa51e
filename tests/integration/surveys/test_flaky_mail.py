"""A mail server that accepts two invitations and then answers 451: no link is ever dead, and once
it recovers every invitee has exactly one mail."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from portal.db import database, utcnow
from portal.models import OutboxMessage
from tests.integration.surveys.builders import make_campaign
from tests.outbox_helpers import ScriptedSmtp, deliver_mail, scripted_smtp

PEOPLE = [f"person{n}@example.org" for n in range(5)]


def _invite_and_send(app, runner, tmp_path) -> dict[str, str]:
    with database(app).transaction() as session:
        campaign_id = make_campaign(session).id
    roster = tmp_path / "roster.csv"
    roster.write_text("email\n" + "".join(f"{address}\n" for address in PEOPLE))
    links_file = tmp_path / "links.csv"
    args = ["surveys", "invite", str(campaign_id), str(roster), "--links-out", str(links_file)]
    result = runner.invoke(args=[*args, "--send"])
    assert result.exit_code == 0, result.output
    with links_file.open() as handle:
        return {row["email"]: row["link"] for row in csv.DictReader(handle)}


def _every_link_opens(app, links: dict[str, str]) -> None:
    for address, link in links.items():
        path = link.removeprefix("https://portal.example.org")
        response = app.test_client().get(path)
        assert response.status_code == 302, f"the link of {address} answers {response.status_code}"


def test_invitees_get_one_mail_each_and_no_dead_link_when_the_server_refuses_for_a_while(
    app, runner, tmp_path
) -> None:
    with scripted_smtp(app, ScriptedSmtp(accept=2)) as server:
        links = _invite_and_send(app, runner, tmp_path)
        assert sorted(links) == PEOPLE
        _every_link_opens(app, links)

        first = deliver_mail(app)
        assert (first.sent, first.deferred, first.failed) == (2, 3, 0)
        assert server.refused == 3
        _every_link_opens(app, links)
        with database(app).transaction() as session:
            waiting = session.scalars(select(OutboxMessage).where(OutboxMessage.state == "queued"))
            for item in waiting:
                assert item.last_error.startswith("451")
                assert item.due_at > utcnow()  # backed off, not retried at once

        server.accept = 100  # the server recovers
        assert deliver_mail(app).sent == 0  # nothing is due before the back-off ends
        second = deliver_mail(app, utcnow() + timedelta(minutes=2))
        assert (second.sent, second.deferred, second.failed) == (3, 0, 0)
        assert deliver_mail(app, utcnow() + timedelta(hours=2)).claimed == 0

    assert Counter(message["To"] for message in server.messages) == dict.fromkeys(PEOPLE, 1)
    for address in PEOPLE:
        (message,) = server.to(address)
        text = message.get_body(preferencelist=("plain",)).get_content()
        mailed = re.search(r"https://portal\.example\.org/s/[\w-]{43}", text)
        assert mailed.group(0) == links[address]
    _every_link_opens(app, links)
