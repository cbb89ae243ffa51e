"""Survey pages in every UN language: a language switch keeps the page's answers, and a text the
pinned definition lacks in the page's language falls back to English, isolated and marked."""

from __future__ import annotations

import re

from portal.db import database
from surveys import campaigns
from surveys.definition_files import load_all
from surveys.models import Invitation
from tests.conftest import csrf_from
from tests.integration.surveys.builders import make_campaign, make_invitation

FALLBACK_LABEL = '<bdi lang="en" dir="auto">On what date did (or will) your assignment end?</bdi>'


def arrange(app, version: int | None = None, **attributes) -> tuple[int, str]:
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        if version is not None:
            definition = load_all()[("volunteer_exit", version)]
            campaign.definition_version = campaigns.sync_definition(session, definition)
        invitation, token = make_invitation(session, campaign, **attributes)
        return invitation.id, token


def switch(client, lang: str, **answers: str | list[str]):
    form = {"page": "0", "action": "language", "lang": lang, **answers}
    return client.post("/s/answer", data=dict(form, csrf_token=csrf_from(client, "/s/answer")))


def saved(app, invitation_id: int) -> dict:
    with database(app).transaction() as session:
        invitation = session.get(Invitation, invitation_id)
        return dict(invitation.partial_answers or {})


def test_the_newest_questionnaire_is_in_arabic_and_russian(app, client) -> None:
    _, token = arrange(app, locale="ar")
    page = client.get(f"/s/{token}", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "في أي تاريخ انتهت مهمتك (أو ستنتهي)؟" in page
    assert "أوافق إلى حد ما" in page  # the scale's labels too
    assert 'lang="en"' not in page.split('<main id="main"', 1)[1]

    switch(client, "ru")
    page = client.get("/s/answer").get_data(as_text=True)
    assert '<html lang="ru" dir="ltr">' in page
    assert "Какого числа завершилось (или завершится) ваше назначение?" in page
    assert "Скорее согласен(а)" in page


def test_switching_language_saves_the_page_and_shows_it_again_in_the_new_language(
    app, client
) -> None:
    invitation_id, token = arrange(app, locale="fr")
    client.get(f"/s/{token}")
    response = switch(
        client, "ar", assignment_end_date="2026-06-30", preparation_adequate="somewhat_agree"
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/s/answer")
    assert saved(app, invitation_id) == {
        "assignment_end_date": "2026-06-30",
        "preparation_adequate": "somewhat_agree",
    }
    page = client.get("/s/answer").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert 'name="page" value="0"' in page and "قبل مهمتك وفي بدايتها" in page  # same page
    assert 'value="2026-06-30"' in page
    assert re.search(r'value="somewhat_agree"\s+checked', page)
    assert 'class="error-summary"' not in page  # no one asked for a check yet


def test_a_value_not_valid_yet_is_shown_again_as_typed_after_a_switch(app, client) -> None:
    invitation_id, token = arrange(app, locale="en")
    client.get(f"/s/{token}")
    response = switch(
        client, "ru", assignment_end_date="30/06/2026", preparation_adequate="fully_agree"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ru" dir="ltr">' in page
    assert 'value="30/06/2026"' in page  # kept as typed, checked when the page is sent on
    assert re.search(r'value="fully_agree"\s+checked', page)
    assert 'class="error-summary"' not in page
    assert saved(app, invitation_id) == {"preparation_adequate": "fully_agree"}


def test_an_unknown_language_changes_nothing_but_keeps_the_answers(app, client) -> None:
    invitation_id, token = arrange(app, locale="es")
    client.get(f"/s/{token}")
    response = switch(client, "xx", assignment_end_date="2026-01-31")
    assert response.status_code == 302
    assert '<html lang="es"' in client.get("/s/answer").get_data(as_text=True)
    assert saved(app, invitation_id) == {"assignment_end_date": "2026-01-31"}


def test_the_language_switch_belongs_to_the_survey_form_on_survey_pages_only(app, client) -> None:
    _, token = arrange(app, locale="en")
    page = client.get(f"/s/{token}", follow_redirects=True).get_data(as_text=True)
    assert '<form class="survey-form" id="survey-form"' in page
    assert re.search(
        r'<select id="language-select" name="lang" autocomplete="off"\s+form="survey-form"', page
    )
    switch_button = re.search(
        r'<button[^>]*form="survey-form" name="action" value="language"', page
    )
    default_button = re.search(r'<button[^>]*form="survey-form" name="action" value="next"', page)
    assert switch_button and default_button and default_button.start() < switch_button.start()
    assert '<option value="ru" lang="ru"' in page
    home = client.get("/").get_data(as_text=True)
    assert 'form="survey-form"' not in home


def test_an_older_version_without_arabic_marks_its_english_fallback(app, client) -> None:
    _, token = arrange(app, version=2, locale="ar")
    page = client.get(f"/s/{token}", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert FALLBACK_LABEL in page
    assert '<bdi lang="en" dir="auto">Fully agree</bdi>' in page
    assert "(مطلوب)" in page  # the interface itself stays Arabic
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and "<bdi" not in title.group(1)  # no markup in the window title

    switch(client, "fr")
    page = client.get("/s/answer").get_data(as_text=True)
    assert "<bdi" not in page  # version 2 has French


def test_a_validation_error_summary_takes_the_focus(app, client) -> None:
    _, token = arrange(app, locale="ru")
    client.get(f"/s/{token}")
    response = client.post(
        "/s/answer",
        data={"page": "0", "action": "next", "csrf_token": csrf_from(client, "/s/answer")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary"[^>]*>', page)
    assert summary and "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert '<a href="#q-assignment_end_date">Какого числа' in page
