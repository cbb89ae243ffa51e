"""Partner focal points answer their office's open surveys from "My surveys", once per office."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.auth import accounts
from portal.db import database
from surveys.models import Response
from tests.conftest import csrf_from
from tests.factories import make_org, make_user
from tests.integration.surveys.builders import (
    answers_for,
    make_campaign,
    make_invitation,
    page_form,
)


def arrange(app, with_roster_invitation: bool = False) -> dict:
    with database(app).transaction() as session:
        org = make_org(session, "un_entity", code="AGENCY")
        office = accounts.add_office(session, org, "country", "KEN", "Agency Kenya")
        first = make_user(session, "partner", org=org)
        second = make_user(session, "partner", org=org)
        outsider = make_user(session, "partner")
        for user in (first, second):
            user.office_id = office.id
        campaign = make_campaign(session, "partner")
        draft = make_campaign(session, "partner", state="draft")
        token = None
        if with_roster_invitation:
            _, token = make_invitation(
                session, campaign, organisation_id=org.id, office_type="country", duty_station="KEN"
            )
        return {
            "campaign": campaign.id,
            "draft": draft.id,
            "first": first.email,
            "second": second.email,
            "outsider": outsider.email,
            "token": token,
        }


def answer_everything(client, definition) -> object:
    answers = answers_for(definition)
    for page_index in range(len(definition.pages)):
        action = "submit" if page_index == len(definition.pages) - 1 else "next"
        form = dict(
            page_form(definition, page_index, answers),
            action=action,
            csrf_token=csrf_from(client, "/s/answer"),
        )
        response = client.post("/s/answer", data=form)
    return response


def test_my_surveys_lists_only_open_partner_campaigns(app, client, auth) -> None:
    ids = arrange(app)
    auth.login(ids["first"])
    page = client.get("/surveys/mine").get_data(as_text=True)
    assert f"/surveys/mine/{ids['campaign']}/answer" in page
    assert f"/surveys/mine/{ids['draft']}/answer" not in page
    assert "Not started" in page


def test_a_focal_point_answers_for_the_office_and_a_colleague_cannot_answer_again(
    app, auth, shipped
) -> None:
    ids = arrange(app)
    first = app.test_client()
    from tests.conftest import Auth

    Auth(first).login(ids["first"])
    start = first.post(
        f"/surveys/mine/{ids['campaign']}/answer",
        data={"csrf_token": csrf_from(first, "/surveys/mine")},
    )
    assert start.headers["Location"].endswith("/s/answer")
    assert "Thank you" in answer_everything(first, shipped["partner"]).get_data(as_text=True)
    assert "Submitted on" in first.get("/surveys/mine").get_data(as_text=True)

    second = app.test_client()
    Auth(second).login(ids["second"])
    again = second.post(
        f"/surveys/mine/{ids['campaign']}/answer",
        data={"csrf_token": csrf_from(second, "/surveys/mine")},
    )
    assert again.headers["Location"].endswith("/surveys/mine")
    assert "already answered" in second.get("/surveys/mine").get_data(as_text=True)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_account_uses_the_offices_roster_invitation_so_the_link_then_gives_410(
    app, client, auth, shipped
) -> None:
    ids = arrange(app, with_roster_invitation=True)
    auth.login(ids["first"])
    client.post(
        f"/surveys/mine/{ids['campaign']}/answer",
        data={"csrf_token": csrf_from(client, "/surveys/mine")},
    )
    answer_everything(client, shipped["partner"])
    assert app.test_client().get(f"/s/{ids['token']}").status_code == 410


def test_a_partner_of_another_office_cannot_start_or_continue(app, client, auth) -> None:
    ids = arrange(app)
    auth.login(ids["outsider"])
    response = client.post(
        f"/surveys/mine/{ids['campaign']}/answer",
        data={"csrf_token": csrf_from(client, "/surveys/mine")},
    )
    assert response.status_code == 403
    assert "not linked to an office" in client.get("/surveys/mine").get_data(as_text=True)


def test_an_account_bound_survey_cannot_be_continued_after_signing_out(app, client, auth) -> None:
    ids = arrange(app)
    auth.login(ids["first"])
    client.post(
        f"/surveys/mine/{ids['campaign']}/answer",
        data={"csrf_token": csrf_from(client, "/surveys/mine")},
    )
    assert client.get("/s/answer").status_code == 200
    auth.logout()
    assert client.get("/s/answer").status_code == 403


def test_partners_never_see_staff_campaign_pages_or_exports(app, client, auth) -> None:
    ids = arrange(app)
    auth.login(ids["first"])
    assert client.get("/surveys/campaigns").status_code == 403
    assert client.get(f"/surveys/campaigns/{ids['campaign']}/export/csv").status_code == 403


def test_a_second_link_of_an_office_that_has_answered_is_refused_with_410(app, shipped) -> None:
    definition = shipped["partner"]
    with database(app).transaction() as session:
        org = make_org(session, "un_entity", code="AGENCY")
        campaign = make_campaign(session, "partner")
        office = {"organisation_id": org.id, "office_type": "country", "duty_station": "SEN"}
        tokens = [make_invitation(session, campaign, **office)[1] for _ in range(2)]
    browsers = [app.test_client(), app.test_client()]
    for browser, token in zip(browsers, tokens, strict=True):
        browser.get(f"/s/{token}")
    assert answer_everything(browsers[0], definition).status_code == 200  # the confirmation
    refused = answer_everything(browsers[1], definition)
    assert refused.status_code == 410
    assert "Your office has already answered" in refused.get_data(as_text=True)
