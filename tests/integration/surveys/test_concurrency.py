"""One link submitted from many tabs at once: exactly one response (SQLite and PostgreSQL)."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from sqlalchemy import func, select

from portal.db import database
from surveys.models import Answer, Invitation, Response
from tests.integration.surveys.builders import (
    answers_for,
    make_campaign,
    make_invitation,
    page_form,
)

TABS = 12


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _browser() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)


def _status(
    opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None
) -> tuple[int, str]:
    try:
        with opener.open(url, data=data, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_twelve_simultaneous_final_submissions_store_exactly_one_response(
    app, live_url, shipped
) -> None:
    definition = shipped["volunteer_exit"]
    answers = answers_for(definition)
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        invitation, token = make_invitation(session, campaign)
        # Every page but the last already saved: each tab is on the final page.
        last = len(definition.pages) - 1
        invitation.partial_answers = {
            key: value
            for key, value in answers.items()
            if key not in {q.key for q in definition.pages[last].questions}
        }
        invitation.current_page = last
        invitation_id = invitation.id

    tabs = []
    for _ in range(TABS):
        opener = _browser()
        assert _status(opener, f"{live_url}/s/{token}")[0] == 302
        status, page = _status(opener, f"{live_url}/s/answer")
        assert status == 200 and f"Page {last + 1} of {last + 1}" in page
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = dict(page_form(definition, last, answers), action="submit", csrf_token=csrf)
        tabs.append((opener, urllib.parse.urlencode(form, doseq=True).encode()))

    start = threading.Barrier(TABS)
    statuses: list[int] = []

    def submit(opener: urllib.request.OpenerDirector, body: bytes) -> None:
        start.wait()
        statuses.append(_status(opener, f"{live_url}/s/answer", body)[0])

    threads = [threading.Thread(target=submit, args=tab) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [200] + [410] * (TABS - 1)  # one confirmation, the rest refused
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 1
        response_ids = set(session.scalars(select(Answer.response_id)))
        assert len(response_ids) == 1
        assert session.get(Invitation, invitation_id).used_at is not None


def test_the_database_refuses_a_second_response_for_one_invitation(app, session) -> None:
    from sqlalchemy.exc import IntegrityError

    campaign = make_campaign(session)
    invitation, _ = make_invitation(session, campaign)
    session.commit()
    for _ in range(2):
        session.add(
            Response(
                invitation_id=invitation.id,
                campaign_id=campaign.id,
                definition_version_id=campaign.definition_version_id,
                submitted_at=campaign.opened_at,
                reporting_year=campaign.year,
            )
        )
    with pytest.raises(IntegrityError):
        session.flush()
