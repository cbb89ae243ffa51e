"""XLSForm import and export: the mapping onto definitions, refusals by cell, the round trip."""

from __future__ import annotations

import pytest

from surveys.answer_rules import validate_page
from surveys.definition_files import load_all
from surveys.definition_snapshots import content_hash
from surveys.forms_export import form_workbook
from surveys.forms_import import read_form
from surveys.forms_sheets import FormRejected
from surveys.page_flow import prune_hidden, visible_questions
from surveys.questionnaire import LIKERT_CODES
from tests.xlsform_helpers import exit_form_rows, workbook

INDICATORS = {"satisfied_experience": LIKERT_CODES, "development_contribution": LIKERT_CODES}


def read(sheets, indicators=INDICATORS):
    return read_form(workbook(sheets), "form.xlsx", lambda key: indicators)


def refused(sheets, indicators=INDICATORS) -> list[str]:
    with pytest.raises(FormRejected) as error:
        read(sheets, indicators)
    return [str(problem) for problem in error.value.problems]


def test_a_form_maps_onto_pages_questions_languages_and_expressions() -> None:
    form = read(exit_form_rows())
    definition = form.definition(form.version or 1)
    assert (definition.key, definition.version, definition.languages) == (
        "volunteer_exit",
        4,
        ("en", "es", "fr"),
    )
    titles = [page.title["fr"] for page in definition.pages]
    assert titles == ["About you (fr)", "Looking back (fr)"]
    types = {q.key: q.type for page in definition.pages for q in page.questions}
    assert types == {
        "first_assignment": "single",
        "months": "number",
        "scale_note": "note",
        "satisfied_experience": "likert5",
        "development_contribution": "likert5",
        "first_time_advice": "text",
        "skills": "multiple",
    }
    months = definition.question("months")
    assert months.integer and months.constraint == ". >= 1 and . <= 60"
    assert months.constraint_message["es"] == "Entre 1 y 60 meses"
    assert definition.question("first_time_advice").relevant == "${first_assignment} = 'yes'"
    assert definition.question("first_assignment").required
    assert "scale_note" not in {q.key for q in definition.questions}  # notes take no answer


def test_relevance_across_pages_hides_questions_and_drops_their_answers() -> None:
    form = read(exit_form_rows())
    definition = form.definition(3)
    shown = {q.key for q in visible_questions(definition, 1, {"first_assignment": "no"})}
    assert "first_time_advice" not in shown and "skills" not in shown
    answers = {"first_assignment": "yes", "months": 12}
    shown = {q.key for q in visible_questions(definition, 1, answers)}
    assert {"first_time_advice", "skills"} <= shown
    kept = prune_hidden(definition, {"first_assignment": "no", "first_time_advice": "Go"})
    assert "first_time_advice" not in kept


def test_a_constraint_refuses_with_the_forms_own_message() -> None:
    definition = read(exit_form_rows()).definition(3)
    form = {"first_assignment": ["yes"], "months": ["61"]}
    cleaned, errors = validate_page(definition, 0, form, {})
    assert "months" not in cleaned
    assert errors["months"][1]["texts"]["fr"] == "Entre 1 et 60 mois"
    cleaned, errors = validate_page(definition, 0, {**form, "months": ["60"]}, {})
    assert (cleaned, errors) == ({"first_assignment": "yes", "months": 60}, {})


def _with(change) -> dict:
    sheets = exit_form_rows()
    change(sheets)
    return sheets


def test_an_unknown_type_is_refused_at_its_cell() -> None:
    sheets = _with(lambda s: s["survey"][2].update(type="geopoint"))
    assert refused(sheets) == [
        "sheet survey, row 4, column type: type 'geopoint' is not supported here; use one of "
        "select_one, select_multiple, text, integer, decimal, date, note, begin_group, end_group"
    ]


def test_relevant_naming_an_unknown_question_is_refused_at_its_cell() -> None:
    sheets = _with(lambda s: s["survey"][8].update(relevant="${nobody} = 'yes'"))
    assert refused(sheets) == [
        "sheet survey, row 10, column relevant: relevant \"${nobody} = 'yes'\": "
        "${nobody} is not a question of this survey"
    ]


def test_a_constraint_naming_an_unknown_question_is_refused() -> None:
    sheets = _with(lambda s: s["survey"][2].update(constraint=". < ${ghost}"))
    (problem,) = refused(sheets)
    assert problem.startswith("sheet survey, row 4, column constraint:")
    assert "${ghost} is not a question of this survey" in problem


def test_relevance_on_the_same_page_is_refused_with_the_reason() -> None:
    sheets = _with(lambda s: s["survey"][2].update(relevant="${first_assignment} = 'yes'"))
    (problem,) = refused(sheets)
    assert problem.startswith("sheet survey, row 4, column relevant:")
    assert "is on the same page" in problem


def test_a_missing_choice_list_and_a_duplicate_name_are_both_named() -> None:
    def change(sheets) -> None:
        sheets["survey"][9].update(type="select_multiple talents")
        sheets["survey"][8].update(name="months")

    assert refused(_with(change)) == [
        "sheet survey, row 10, column name: name 'months' is used twice (first on row 4)",
        "sheet survey, row 11, column type: choice list 'talents' is not on the choices sheet",
    ]


def test_an_indicator_question_without_the_agreement_codes_is_refused() -> None:
    def change(sheets) -> None:
        sheets["choices"] = [c for c in sheets["choices"] if c["name"] != "not_applicable"]

    problems = refused(_with(change))
    assert [problem.split(":")[0] for problem in problems] == [
        "sheet survey, row 8, column type",
        "sheet survey, row 9, column type",
    ]
    assert "satisfied_experience feeds a results indicator" in problems[0]
    assert "fully_agree, somewhat_agree, neither" in problems[0]


def test_a_survey_without_its_indicator_question_is_refused() -> None:
    sheets = _with(lambda s: s["survey"].pop(7))
    (problem,) = refused(sheets)
    assert "development_contribution feeds a results indicator: the form must ask it" in problem


def test_a_missing_translation_names_the_column_to_fill() -> None:
    sheets = _with(lambda s: s["survey"][1].pop("label::French (fr)"))
    assert refused(sheets) == [
        "sheet survey, row 3, column label::French (fr): the label in fr is missing"
    ]


def test_a_language_outside_the_un_six_is_refused_at_its_header() -> None:
    sheets = _with(lambda s: s["survey"][1].update({"label::Deutsch (de)": "Erste?"}))
    (problem,) = refused(sheets)
    assert problem.startswith("sheet survey, row 1, column label::Deutsch (de):")


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(FormRejected, match="not a readable .xlsx workbook"):
        read_form(b"not a zip", "form.xlsx", lambda key: {})


@pytest.mark.parametrize("ident", sorted(load_all()), ids=lambda ident: f"{ident[0]}.v{ident[1]}")
def test_every_shipped_definition_survives_export_and_import(ident) -> None:
    definition = load_all()[ident]
    form = read_form(form_workbook(definition), "any.xlsx", lambda key: {})
    assert form.version == definition.version
    again = form.definition(definition.version)
    assert again == definition
    assert content_hash(again) == content_hash(definition)


def test_an_imported_form_survives_export_and_import() -> None:
    definition = read(exit_form_rows()).definition(3)
    again = read_form(form_workbook(definition), "x.xlsx", lambda key: INDICATORS).definition(3)
    assert content_hash(again) == content_hash(definition)
