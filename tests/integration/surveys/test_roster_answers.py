"""Questions the roster answers: pre-filled, or not asked at all, and stored like any answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.db import database
from surveys.campaigns import campaign_definition
from surveys.models import Answer
from surveys.roster_answers import for_respondent
from tests.conftest import csrf_from
from tests.integration.surveys.builders import make_campaign, make_invitation
from tests.xlsform_helpers import EN, ES, FR, exit_form_rows, workbook


def _form_with_roster_questions(tmp_path, roster: str = "assignment_end") -> str:
    sheets = exit_form_rows()
    about = sheets["survey"]
    about.insert(3, {"type": "date", "name": "assignment_end_date", EN: "End of assignment?",
                     FR: "Fin de l'affectation ?", ES: "¿Fin de la asignación?", "required": "yes",
                     "constraint": ". >= '2010-01-01' and . <= '2035-12-31'",
                     "roster": roster, "roster_use": "replace"})  # fmt: skip
    about.insert(4, {"type": "select_one kind", "name": "volunteer_kind", EN: "You served as",
                     FR: "Vous étiez", ES: "Usted fue", "roster": "category"})  # fmt: skip
    sheets["choices"] += [
        {"list_name": "kind", "name": code, EN: code, FR: f"{code} fr", ES: f"{code} es"}
        for code in ("national", "international")
    ]
    path = tmp_path / "roster-form.xlsx"
    path.write_bytes(workbook(sheets))
    return str(path)


def _answer(client, token: str) -> str:
    client.get(f"/s/{token}")
    return client.get("/s/answer").get_data(as_text=True)


def _submit(client, **pages: dict[str, str]) -> None:
    for number, fields in enumerate(pages.values()):
        data = {"page": str(number), "csrf_token": csrf_from(client, "/s/answer"), **fields}
        # Each page redirects to the next; the final one answers with the confirmation.
        expected = 200 if fields.get("action") == "submit" else 302
        assert client.post("/s/answer", data=data).status_code == expected


def test_the_roster_replaces_and_prefills_questions(app, runner, tmp_path) -> None:
    imported = runner.invoke(args=["surveys", "form-import", _form_with_roster_questions(tmp_path)])
    assert imported.exit_code == 0, imported.output
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        _, known = make_invitation(
            session, campaign, assignment_end=date(2026, 3, 31), category="international"
        )
        _, unknown = make_invitation(session, campaign)
    client = app.test_client()
    page = _answer(client, known)
    assert 'name="assignment_end_date"' not in page  # UNV knows it: not asked
    assert 'value="international" checked' in page.replace("\n", " ").replace("  ", " ")
    _submit(
        client,
        about={"first_assignment": "no", "months": "3", "volunteer_kind": "international",
               "action": "next"},
        looking_back={"satisfied_experience": "fully_agree", "action": "submit"},
    )  # fmt: skip
    other = app.test_client()
    asked = _answer(other, unknown)
    assert (
        'name="assignment_end_date"' in asked and "checked" not in asked.split("volunteer_kind")[1]
    )
    with database(app).transaction() as session:
        stored = session.execute(
            select(Answer.question_key, Answer.value_text, Answer.value_code)
        ).all()
    answers = {key: text or code for key, text, code in stored}
    assert answers["assignment_end_date"] == "2026-03-31"
    assert answers["volunteer_kind"] == "international"


def test_a_roster_attribute_that_is_personal_or_unknown_is_refused(app, runner, tmp_path) -> None:
    form = _form_with_roster_questions(tmp_path, roster="nationality")
    refused = runner.invoke(args=["surveys", "form-import", form])
    assert refused.exit_code == 1
    assert "sheet survey, row 5, column roster: roster must be one of assignment_start," in (
        refused.output
    )


def test_a_roster_value_outside_the_answers_is_not_used(app, runner, tmp_path) -> None:
    runner.invoke(args=["surveys", "form-import", _form_with_roster_questions(tmp_path)])
    with database(app).transaction() as session:
        definition = campaign_definition(make_campaign(session))
    given = for_respondent(definition, {"category": "online", "assignment_end": date(1990, 1, 1)})
    question = given.question("volunteer_kind")
    assert question.default is None and not given.question("assignment_end_date").fixed
    kept = for_respondent(definition, {"assignment_end": date(2026, 1, 2)})
    assert kept.question("assignment_end_date").fixed
    assert kept.question("assignment_end_date").default == "2026-01-02"


def test_roster_columns_survive_a_round_trip(app, runner, tmp_path) -> None:
    runner.invoke(args=["surveys", "form-import", _form_with_roster_questions(tmp_path)])
    out = tmp_path / "again.xlsx"
    exported = runner.invoke(args=["surveys", "form-export", "volunteer_exit", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    again = runner.invoke(args=["surveys", "form-import", str(out)])
    assert (
        again.output.strip() == "volunteer_exit: already version 4 (same content); nothing stored"
    )
