"""Answering through the pages: validation, save and resume, language, CSRF expiry, the response."""

from __future__ import annotations

import re
import time

from markupsafe import escape
from sqlalchemy import func, select

from portal.db import database, utcnow
from portal.results.providers import ComputeContext, provider_for
from surveys import campaigns
from surveys.answering import submit_response
from surveys.definition_files import load_all
from surveys.models import Answer, Invitation, Response
from tests.conftest import csrf_from
from tests.integration.surveys.builders import (
    answers_for,
    make_campaign,
    make_invitation,
    page_form,
)


def arrange(app, **attributes) -> tuple[int, str]:
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        invitation, token = make_invitation(session, campaign, **attributes)
        return invitation.id, token


def post_page(client, form: dict) -> object:
    return client.post("/s/answer", data=dict(form, csrf_token=csrf_from(client, "/s/answer")))


def answer_all(client, definition, answers: dict) -> object:
    """Post every page with its answers and return the final response."""
    for page_index in range(len(definition.pages)):
        last = page_index == len(definition.pages) - 1
        form = page_form(definition, page_index, answers)
        form["action"] = "submit" if last else "next"
        response = post_page(client, form)
        # Each page redirects to the next; the last answers with the confirmation.
        expected = 200 if last else 302
        assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    return response


def test_a_required_answer_missing_is_shown_next_to_its_field(app, client, shipped) -> None:
    _, token = arrange(app)
    client.get(f"/s/{token}")
    response = post_page(client, {"page": "0", "action": "next"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="q-assignment_end_date-error">(.*?)</div>', page, re.S)
    assert error and "Please answer this question." in error.group(1)
    assert 'href="#q-assignment_end_date"' in page  # the error summary links to the field
    assert "Page 1 of 4" in page


def test_a_bad_value_is_shown_again_with_its_message(app, client) -> None:
    _, token = arrange(app)
    client.get(f"/s/{token}")
    response = post_page(
        client, {"page": "0", "action": "next", "assignment_end_date": "31/12/2026"}
    )
    page = response.get_data(as_text=True)
    assert "Enter a date in the format YYYY-MM-DD." in page
    assert 'value="31/12/2026"' in page


def test_the_whole_survey_stores_one_response_with_the_snapshot(app, client, shipped) -> None:
    definition = shipped["volunteer_exit"]
    invitation_id, token = arrange(
        app,
        gender="female",
        category="national",
        modality="onsite",
        age=27,
        nationality="SEN",
        disability=False,
        refugee=True,
        duty_station="SEN",
    )
    answers = answers_for(
        definition, satisfied_experience="somewhat_disagree", experience_improvements="More support"
    )
    client.get(f"/s/{token}")
    final = answer_all(client, definition, answers)
    assert "Thank you" in final.get_data(as_text=True)
    assert "Thank you" in client.get("/s/done").get_data(as_text=True)
    with database(app).transaction() as session:
        response = session.scalars(select(Response)).one()
        stored = session.get(Invitation, invitation_id)
        rows = session.execute(
            select(Answer.question_key, Answer.value_code, Answer.value_text)
        ).all()
        snapshot = (response.gender, response.category, response.youth, response.age_band)
        origin = (response.global_south, response.africa, response.ldc, response.refugee)
        assert snapshot == ("female", "national", True, "18_29")
        assert origin == (True, True, True, True)
        assert response.invitation_id == invitation_id
        assert stored.used_at is not None and stored.partial_answers is None
    assert ("satisfied_experience", "somewhat_disagree", None) in rows
    assert ("experience_improvements", None, "More support") in rows
    assert client.get(f"/s/{token}").status_code == 410


def test_leaving_and_reopening_the_link_resumes_where_it_stopped(app, shipped) -> None:
    definition = shipped["volunteer_exit"]
    _, token = arrange(app)
    answers = answers_for(definition, preparation_adequate="neither")
    first = app.test_client()
    first.get(f"/s/{token}")
    assert (
        post_page(first, dict(page_form(definition, 0, answers), action="next")).status_code == 302
    )
    second = app.test_client()  # another device, the same link
    second.get(f"/s/{token}")
    page = second.get("/s/answer").get_data(as_text=True)
    assert "Page 2 of 4" in page
    back = post_page(second, {"page": "1", "action": "back"})
    assert back.status_code == 302
    page = second.get("/s/answer").get_data(as_text=True)
    assert "Page 1 of 4" in page
    assert re.search(r'value="neither"\s+checked', page)
    assert f'value="{answers["assignment_end_date"]}"' in page


def test_save_for_later_keeps_valid_answers_even_with_a_required_one_missing(app, client) -> None:
    invitation_id, token = arrange(app)
    client.get(f"/s/{token}")
    response = post_page(client, {"page": "0", "action": "save", "induction_useful": "fully_agree"})
    assert response.status_code == 302
    with database(app).transaction() as session:
        stored = session.get(Invitation, invitation_id)
        assert stored.partial_answers == {"induction_useful": "fully_agree"}
        assert stored.current_page == 0 and stored.started_at is not None
        assert stored.used_at is None


def test_answers_to_questions_no_longer_shown_are_dropped(app, client, shipped) -> None:
    definition = shipped["volunteer_exit"]
    _, token = arrange(app)
    client.get(f"/s/{token}")
    unhappy = answers_for(
        definition, satisfied_experience="fully_disagree", experience_improvements="Better housing"
    )
    for page_index in range(4):
        post_page(client, dict(page_form(definition, page_index, unhappy), action="next"))
    # Back on page 3 the volunteer changes their mind: the follow-up question disappears.
    post_page(client, {"page": "3", "action": "back"})
    happy = dict(unhappy, satisfied_experience="fully_agree")
    post_page(client, dict(page_form(definition, 2, happy), action="next"))
    final = post_page(client, dict(page_form(definition, 3, happy), action="submit"))
    assert final.status_code == 200  # the confirmation
    with database(app).transaction() as session:
        keys = set(session.scalars(select(Answer.question_key)))
    assert "experience_improvements" not in keys


def test_the_survey_is_in_the_invitees_language_and_can_be_switched(app, client, shipped) -> None:
    _, token = arrange(app, locale="fr")
    client.get(f"/s/{token}")
    page = client.get("/s/answer").get_data(as_text=True)
    assert shipped["volunteer_exit"].pages[0].title["fr"] in page
    assert '<html lang="fr"' in page
    client.post(
        "/language",
        data={"lang": "es", "next": "/s/answer", "csrf_token": csrf_from(client, "/s/answer")},
    )
    page = client.get("/s/answer").get_data(as_text=True)
    assert shipped["volunteer_exit"].pages[0].title["es"] in page


def test_an_expired_form_token_shows_the_answers_again_with_a_fresh_token(app, client) -> None:
    invitation_id, token = arrange(app)
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    client.get(f"/s/{token}")
    old_token = csrf_from(client, "/s/answer")
    time.sleep(2)
    form = {
        "page": "0",
        "action": "next",
        "assignment_end_date": "2026-05-31",
        "preparation_adequate": "somewhat_agree",
        "csrf_token": old_token,
    }
    response = client.post("/s/answer", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "page had expired" in page
    assert 'value="2026-05-31"' in page
    assert re.search(r'value="somewhat_agree"\s+checked', page)
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert fresh != old_token
    with database(app).transaction() as session:
        assert session.get(Invitation, invitation_id).partial_answers is None
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    again = client.post("/s/answer", data=dict(form, csrf_token=fresh))
    assert again.status_code == 302


def test_a_forged_page_number_is_refused(app, client) -> None:
    _, token = arrange(app)
    client.get(f"/s/{token}")
    assert post_page(client, {"page": "9", "action": "next"}).status_code == 400
    assert post_page(client, {"page": "x", "action": "next"}).status_code == 400


def test_submitting_with_an_earlier_page_skipped_goes_back_to_it(app, client, shipped) -> None:
    definition = shipped["volunteer_exit"]
    _, token = arrange(app)
    client.get(f"/s/{token}")
    answers = answers_for(definition)
    response = post_page(client, dict(page_form(definition, 3, answers), action="submit"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Page 1 of 4" in page
    assert "Please answer this question." in page
    with database(app).transaction() as session:
        assert session.scalars(select(Response)).first() is None
        saved = session.scalars(select(Invitation)).one().partial_answers
    assert saved["recommend_volunteering"] == answers["recommend_volunteering"]


def test_an_unknown_action_is_refused(app, client) -> None:
    _, token = arrange(app)
    client.get(f"/s/{token}")
    assert post_page(client, {"page": "0", "action": "delete"}).status_code == 400


def _arrange_with_five_agreeing(app, shipped) -> tuple[int, str]:
    """A campaign with five stored responses that agree, and one fresh link: (campaign, token)."""
    definition = shipped["volunteer_exit"]
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        for _ in range(5):
            invitation, _ = make_invitation(session, campaign)
            answers = answers_for(definition, satisfied_experience="somewhat_agree")
            submit_response(session, invitation, definition, answers, utcnow(), "developing_2017")
        _, token = make_invitation(session, campaign)
        return campaign.id, token


def test_a_web_response_skipping_an_indicator_question_is_counted_as_skipped(
    app, client, shipped
) -> None:
    definition = shipped["volunteer_exit"]
    _, token = _arrange_with_five_agreeing(app, shipped)
    answers = answers_for(definition, development_contribution="dont_know")
    del answers["satisfied_experience"]
    client.get(f"/s/{token}")
    final = answer_all(client, definition, answers)
    assert "Thank you" in final.get_data(as_text=True)
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 6
        skipped_rows = session.scalar(
            select(func.count())
            .select_from(Answer)
            .where(Answer.question_key == "satisfied_experience")
        )
        assert skipped_rows == 5  # no answer row for the skipped question
        context = ComputeContext(utcnow().year, 2022, 2025, 5, "developing_2017")
        provide = provider_for(app, "volunteer_exit")
        spec = {"question_key": "satisfied_experience", "breakdown": []}
        figure = provide(session, "1.2.1", spec, context)
        developed = provide(
            session, "1.2.2", dict(spec, question_key="development_contribution"), context
        )
    assert (figure["numerator"], figure["valid_n"], figure["excluded_n"]) == (5, 5, 1)
    assert figure["excluded"] == {"dont_know": 0, "not_applicable": 0, "skipped": 1}
    assert (figure["invited"], figure["completed"]) == (6, 6)
    assert (developed["numerator"], developed["valid_n"], developed["excluded_n"]) == (5, 5, 1)
    assert developed["excluded"]["dont_know"] == 1


def test_the_page_says_which_questions_are_required_and_that_others_may_be_blank(
    app, client, shipped
) -> None:
    definition = shipped["volunteer_exit"]
    _, token = arrange(app)
    client.get(f"/s/{token}")
    answers = answers_for(definition)
    for page_index in (0, 1):
        form = dict(page_form(definition, page_index, answers), action="next")
        assert post_page(client, form).status_code == 302
    page = client.get("/s/answer").get_data(as_text=True)
    assert "Page 3 of 4" in page
    assert "Questions marked (required) need an answer" in page
    legends = dict(re.findall(r'id="q-(\w+)"[^>]*>\s*<legend[^>]*>(.*?)</legend>', page, re.S))
    assert "(required)" not in legends["satisfied_experience"]
    assert "(required)" not in legends["development_contribution"]
    assert "(required)" in legends["skills_gained"]
    back = post_page(client, dict(page_form(definition, 2, answers), action="back"))
    assert back.status_code == 302
    page = client.get("/s/answer").get_data(as_text=True)
    assert "Page 2 of 4" in page and "(required)" not in page
    assert "You may leave any question on this page blank." in page


def test_a_campaign_pinned_to_version_one_still_requires_the_indicator_answer(
    app, client, shipped
) -> None:
    first = load_all()[("volunteer_exit", 1)]
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        # A campaign opened before version 2 keeps its pinned snapshot.
        campaign.definition_version = campaigns.sync_definition(session, first)
        _, token = make_invitation(session, campaign)
    answers = answers_for(first)
    del answers["satisfied_experience"]
    client.get(f"/s/{token}")
    for page_index in (0, 1):
        form = dict(page_form(first, page_index, answers), action="next")
        assert post_page(client, form).status_code == 302
    refused = post_page(client, dict(page_form(first, 2, answers), action="next"))
    assert refused.status_code == 422
    error = re.search(
        r'id="q-satisfied_experience-error">(.*?)</div>', refused.get_data(as_text=True), re.S
    )
    assert error and "Please answer this question." in error.group(1)


def test_sending_the_final_page_again_confirms_again_and_stores_nothing_twice(
    app, client, shipped
) -> None:
    """The confirmation answers the final POST itself: a reload sends that POST again."""
    definition = shipped["volunteer_exit"]
    _, token = arrange(app)
    client.get(f"/s/{token}")
    answers = answers_for(definition)
    last = len(definition.pages) - 1
    final_form = dict(page_form(definition, 0, answers), action="next")
    for page_index in range(len(definition.pages)):
        form = dict(page_form(definition, page_index, answers))
        form.update(action="submit" if page_index == last else "next")
        form["csrf_token"] = csrf_from(client, "/s/answer")
        final_form, response = form, client.post("/s/answer", data=form)
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    again = client.post("/s/answer", data=final_form)  # what a reload of that page sends
    assert again.status_code == 200 and "Thank you" in again.get_data(as_text=True)
    # Another browser holding the link (opened before the response was stored) is refused.
    other = app.test_client()
    assert other.get(f"/s/{token}").status_code == 410
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 1
        assert session.scalar(select(Invitation.used_at)) is not None


def test_blank_questions_come_from_the_cache_in_each_language_and_answers_never_do(
    app, shipped
) -> None:
    """Rendered once per definition, page, language and question; a value is never cached."""
    definition = shipped["volunteer_exit"]
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        links = [make_invitation(session, campaign, locale=lang)[1] for lang in ("fr", "es", "fr")]
    pages = []
    for number, token in enumerate(links):
        browser = app.test_client()
        browser.get(f"/s/{token}")
        first, second = (browser.get("/s/answer").get_data(as_text=True) for _ in range(2))
        assert without_tokens(first) == without_tokens(second)
        pages.append(first)
        if number == 0:  # a typed value and an error are shown, on that page alone
            form = dict(page_form(definition, 0, {}), action="next", assignment_end_date="31/02")
            shown = post_page(browser, form).get_data(as_text=True)
            assert 'value="31/02"' in shown and 'aria-invalid="true"' in shown
    assert without_tokens(pages[0]) == without_tokens(pages[2])
    assert "31/02" not in pages[2] and 'aria-invalid="true"' not in pages[2]
    label = definition.pages[0].questions[0].label  # its first words: no typography involved
    french, spanish = (str(escape(label[lang][:20])) for lang in ("fr", "es"))
    assert french in pages[0] and spanish in pages[1] and spanish not in pages[0]


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)
