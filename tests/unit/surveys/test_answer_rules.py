"""Answer rules: visibility, page validation, cleaning, whole-response checks and navigation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.answer_rules import (
    MSG_CONDITION_MISSING,
    MSG_DATE,
    MSG_DATE_RANGE,
    MSG_EXCLUSIVE,
    MSG_INVALID,
    MSG_NOT_AN_OPTION,
    MSG_NOT_SHOWN,
    MSG_NUMBER,
    MSG_NUMBER_MIN,
    MSG_NUMBER_RANGE,
    MSG_ONE_CHOICE,
    MSG_ONE_VALUE,
    MSG_REQUIRED,
    MSG_TOO_LONG,
    MSG_UNKNOWN_QUESTION,
    MSG_WHOLE_NUMBER,
    clean_answer,
    clean_complete,
    merge_page,
    validate_complete,
    validate_page,
)
from surveys.definition_checks import from_dict
from surveys.page_flow import next_page_index, previous_page_index, progress, visible_questions
from surveys.questionnaire import LIKERT_CODES, TEXT_MAX_LENGTH, SurveyDefinition, text_for

from .sample_survey import survey_definition_data

SURVEY = survey_definition_data()
QUESTION_KEYS = [q["key"] for page in SURVEY["pages"] for q in page["questions"]]
FIRST_PAGE = {
    "role": ["staff"],
    "hosted": ["12"],
    "channels": ["phone", "email"],
    "rating": ["fully_disagree"],
}


def _keys(definition: SurveyDefinition, page: int, answers: dict[str, Any]) -> list[str]:
    return [question.key for question in visible_questions(definition, page, answers)]


def test_a_complete_first_page_is_cleaned_to_typed_values(tiny: SurveyDefinition) -> None:
    cleaned, errors = validate_page(tiny, 0, {**FIRST_PAGE, "csrf_token": ["x"]}, {})

    assert errors == {}
    assert cleaned == {
        "role": "staff",
        "hosted": 12,
        "channels": ["email", "phone"],
        "rating": "fully_disagree",
    }


def test_missing_required_answers_are_named_and_optional_ones_skipped(
    tiny: SurveyDefinition,
) -> None:
    cleaned, errors = validate_page(tiny, 0, {"channels": [""], "rating": ["neither"]}, {})

    assert cleaned == {"rating": "neither"}
    assert errors == {"role": (MSG_REQUIRED, {}), "hosted": (MSG_REQUIRED, {})}


def test_a_follow_up_is_shown_only_for_the_listed_answers(tiny: SurveyDefinition) -> None:
    assert _keys(tiny, 1, {"rating": "somewhat_disagree"}) == ["why", "amount", "ended", "note"]
    assert _keys(tiny, 1, {"rating": "fully_disagree"})[:2] == ["why", "follow"]
    assert _keys(tiny, 1, {"rating": "fully_agree"}) == ["amount", "ended", "note"]
    assert _keys(tiny, 1, {}) == ["amount", "ended", "note"]


def test_an_answer_to_a_hidden_question_is_dropped_not_stored(tiny: SurveyDefinition) -> None:
    formdata = {"why": ["forged"], "follow": ["yes"], "amount": ["2"]}

    cleaned, errors = validate_page(tiny, 1, formdata, {"rating": "fully_agree"})

    assert cleaned == {"amount": 2.0}
    assert errors == {}


def test_a_shown_required_follow_up_must_be_answered(tiny: SurveyDefinition) -> None:
    _, errors = validate_page(tiny, 1, {}, {"rating": "fully_disagree"})

    assert errors == {"why": (MSG_REQUIRED, {})}


def test_changing_an_earlier_answer_drops_the_follow_ups_it_hid_in_cascade(
    tiny: SurveyDefinition,
) -> None:
    answers = {"role": "staff", "rating": "fully_disagree", "why": "late", "follow": "yes"}
    answers.update({"amount": 3.0, "detail": "more"})
    cleaned, _ = validate_page(tiny, 0, {**FIRST_PAGE, "rating": ["fully_agree"]}, answers)

    merged = merge_page(tiny, 0, answers, cleaned)

    assert merged == {
        "role": "staff",
        "hosted": 12,
        "channels": ["email", "phone"],
        "rating": "fully_agree",
        "amount": 3.0,
    }


def test_saving_a_page_again_replaces_its_old_answers(tiny: SurveyDefinition) -> None:
    answers = {"rating": "neither", "amount": 3.0, "note": "old"}

    merged = merge_page(tiny, 1, answers, {"amount": 4.5})

    assert merged == {"rating": "neither", "amount": 4.5}


@pytest.mark.parametrize(
    ("question", "submitted", "expected"),
    [
        ("role", ["boss"], (None, (MSG_NOT_AN_OPTION, {}))),
        ("role", ["head", "staff"], (None, (MSG_ONE_CHOICE, {}))),
        ("role", ["head", "head"], ("head", None)),
        ("rating", ["agree"], (None, (MSG_NOT_AN_OPTION, {}))),
        ("rating", "dont_know", ("dont_know", None)),
        ("channels", ["email", "fax"], (None, (MSG_NOT_AN_OPTION, {}))),
        ("channels", ["none", "phone"], (None, (MSG_EXCLUSIVE, {"option": "none"}))),
        ("channels", ["none"], (["none"], None)),
        ("channels", [], (None, None)),
        ("hosted", ["7.5"], (None, (MSG_WHOLE_NUMBER, {}))),
        ("hosted", ["1e3"], (None, (MSG_WHOLE_NUMBER, {}))),
        ("hosted", ["101"], (None, (MSG_NUMBER_RANGE, {"min": 0, "max": 100}))),
        ("hosted", ["-1"], (None, (MSG_NUMBER_RANGE, {"min": 0, "max": 100}))),
        ("hosted", [" 1\u202f00 "], (100, None)),
        ("hosted", ["0"], (0, None)),
        ("hosted", ["1", "2"], (None, (MSG_ONE_VALUE, {}))),
        ("amount", ["0,75"], (0.75, None)),
        ("amount", ["0.25"], (None, (MSG_NUMBER_MIN, {"min": 0.5}))),
        ("amount", ["nan"], (None, (MSG_NUMBER, {}))),
        ("amount", ["12" * 20], (None, (MSG_NUMBER, {}))),
        ("ended", ["2020-01-01"], ("2020-01-01", None)),
        ("ended", ["2025-12-31"], ("2025-12-31", None)),
        (
            "ended",
            ["2019-12-31"],
            (None, (MSG_DATE_RANGE, {"min": "2020-01-01", "max": "2025-12-31"})),
        ),
        (
            "ended",
            ["2026-01-01"],
            (None, (MSG_DATE_RANGE, {"min": "2020-01-01", "max": "2025-12-31"})),
        ),
        ("ended", ["2021-02-30"], (None, (MSG_DATE, {}))),
        ("ended", ["20210201"], (None, (MSG_DATE, {}))),
        ("ended", ["01/02/2021"], (None, (MSG_DATE, {}))),
        ("note", ["  a\r\nb\x00 "], ("a\nb", None)),
        ("note", ["0123456789"], ("0123456789", None)),
        ("note", ["0123456789x"], (None, (MSG_TOO_LONG, {"max": 10, "length": 11}))),
        ("note", ["\x07 "], (None, None)),
        ("note", [3], (None, (MSG_INVALID, {}))),
    ],
)
def test_clean_answer_accepts_only_well_formed_values(
    tiny: SurveyDefinition, question: str, submitted: Any, expected: tuple[Any, Any]
) -> None:
    assert clean_answer(tiny.question(question), submitted) == expected


def test_free_text_is_capped_at_five_thousand_characters(tiny: SurveyDefinition) -> None:
    why = tiny.question("why")

    assert clean_answer(why, ["é" * TEXT_MAX_LENGTH]) == ("é" * TEXT_MAX_LENGTH, None)
    assert clean_answer(why, ["é" * (TEXT_MAX_LENGTH + 1)])[1] == (
        MSG_TOO_LONG,
        {"max": TEXT_MAX_LENGTH, "length": TEXT_MAX_LENGTH + 1},
    )


def test_a_multidict_form_contributes_all_its_values(tiny: SurveyDefinition) -> None:
    class MultiDict(dict[str, str]):
        """Like werkzeug's: .get() gives the first value, .getlist() all of them."""

        def getlist(self, key: str) -> list[str]:
            return [*FIRST_PAGE[key]] if key in FIRST_PAGE else []

    form = MultiDict({key: values[0] for key, values in FIRST_PAGE.items()})

    cleaned, _ = validate_page(tiny, 0, form, {})

    assert cleaned["channels"] == ["email", "phone"]


def test_clean_complete_applies_every_page_in_order(tiny: SurveyDefinition) -> None:
    formdata = {**FIRST_PAGE, "why": ["slow"], "follow": ["yes"], "detail": ["see notes"]}

    answers, errors = clean_complete(tiny, formdata)

    assert errors == {}
    assert answers["detail"] == "see notes"
    assert answers["follow"] == "yes"


def test_clean_complete_reports_errors_on_every_page(tiny: SurveyDefinition) -> None:
    answers, errors = clean_complete(tiny, {"rating": ["fully_disagree"], "ended": ["2030-01-01"]})

    assert set(errors) == {"role", "hosted", "why", "ended"}
    assert answers == {"rating": "fully_disagree"}


def test_validate_complete_accepts_what_the_pages_produced(tiny: SurveyDefinition) -> None:
    answers, _ = clean_complete(tiny, {**FIRST_PAGE, "why": ["slow"], "amount": ["1.5"]})

    assert validate_complete(tiny, answers) == {}


def test_validate_complete_refuses_unknown_hidden_and_malformed_answers(
    tiny: SurveyDefinition,
) -> None:
    answers = {
        "role": "staff",
        "hosted": 12.0,
        "rating": "fully_agree",
        "why": "not asked",
        "channels": "email",
        "amount": True,
        "colour": "blue",
    }

    assert validate_complete(tiny, answers) == {
        "hosted": (MSG_WHOLE_NUMBER, {}),
        "why": (MSG_NOT_SHOWN, {}),
        "amount": (MSG_INVALID, {}),
        "colour": (MSG_UNKNOWN_QUESTION, {}),
    }


def test_without_require_unanswered_required_questions_are_skipped_not_refused(
    tiny: SurveyDefinition,
) -> None:
    partial = {"rating": ["fully_disagree"], "amount": ["2"]}

    assert set(validate_complete(tiny, partial)) == {"role", "hosted", "why"}
    assert validate_complete(tiny, partial, require=False) == {}
    assert clean_complete(tiny, partial, require=False) == (
        {"rating": "fully_disagree", "amount": 2.0},
        {},
    )
    bad = {"rating": ["agree"], "hosted": ["-1"]}
    assert validate_complete(tiny, bad, require=False) == {
        "rating": (MSG_NOT_AN_OPTION, {}),
        "hosted": (MSG_NUMBER_RANGE, {"min": 0, "max": 100}),
    }


def test_a_follow_up_whose_controlling_answer_is_missing_says_so(tiny: SurveyDefinition) -> None:
    errors = validate_complete(tiny, {"role": "staff", "why": "slow"}, require=False)

    assert errors == {"why": (MSG_CONDITION_MISSING, {"question": "rating"})}
    contrary = validate_complete(tiny, {"rating": "fully_agree", "why": "x"}, require=False)
    assert contrary == {"why": (MSG_NOT_SHOWN, {})}


def test_validate_complete_reads_stored_floats_without_exponent_trouble(
    survey_data: dict[str, Any],
) -> None:
    del survey_data["pages"][1]["questions"][2]["min"]
    definition = from_dict(survey_data)
    base = {"role": "head", "hosted": 0, "rating": "neither"}

    assert validate_complete(definition, {**base, "amount": 1e-05}) == {}
    assert validate_complete(definition, {**base, "amount": float("inf")}) == {
        "amount": (MSG_NUMBER, {})
    }


def test_progress_counts_pages_from_one(tiny: SurveyDefinition) -> None:
    assert progress(tiny, 0) == (1, 3)
    assert progress(tiny, 2) == (3, 3)
    with pytest.raises(IndexError):
        progress(tiny, 3)
    with pytest.raises(IndexError):
        progress(tiny, -1)


def test_navigation_skips_a_page_whose_questions_are_all_hidden(tiny: SurveyDefinition) -> None:
    assert next_page_index(tiny, 0, {"rating": "fully_agree"}) == 1
    assert next_page_index(tiny, 1, {"rating": "fully_agree"}) is None
    assert next_page_index(tiny, 1, {"rating": "fully_disagree", "follow": "yes"}) == 2
    assert previous_page_index(tiny, 2, {}) == 1
    assert previous_page_index(tiny, 0, {}) is None


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr", "Bonjour"),
        ("fr_CA", "Bonjour"),
        ("zh-Hans", "你好"),
        ("ar", "Hello"),
        (None, "Hello"),
    ],
)
def test_text_for_picks_the_language_then_english(locale: str | None, expected: str) -> None:
    assert text_for({"en": "Hello", "fr": "Bonjour", "zh": "你好"}, locale) == expected


_ANY_VALUE = st.one_of(
    st.sampled_from(
        [*LIKERT_CODES, "head", "staff", "email", "phone", "none", "yes", "12", "0,5", "2021-06-30"]
    ),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(formdata=st.dictionaries(st.sampled_from(QUESTION_KEYS), st.lists(_ANY_VALUE, max_size=3)))
def test_whatever_is_submitted_only_valid_shown_answers_are_kept(
    formdata: dict[str, list[str]],
) -> None:
    definition = from_dict(SURVEY)

    answers, errors = clean_complete(definition, formdata)

    assert set(answers).isdisjoint(errors)
    for key, value in answers.items():
        question = definition.question(key)
        if question.type in {"likert5", "single"}:
            assert value in question.codes
        elif question.type == "multiple":
            assert value and set(value) <= set(question.codes)
    assert set(validate_complete(definition, answers)) <= set(errors)
