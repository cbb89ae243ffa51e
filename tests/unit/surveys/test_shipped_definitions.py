"""The partner survey and exit questionnaire shipped with the portal are complete and valid."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest

from surveys.answer_rules import merge_page, validate_complete, validate_page
from surveys.definition_files import DEFINITIONS_DIR, latest, load_all
from surveys.definition_snapshots import to_dict
from surveys.page_flow import next_page_index, visible_questions
from surveys.questionnaire import (
    LIKERT_CODES,
    REQUIRED_LANGUAGES,
    UN_LANGUAGES,
    Answer,
    SurveyDefinition,
)

INDICATOR_QUESTIONS = {
    "partner": {
        "expectations_met": "UN Volunteers consistently met the expectations of the organization.",
        "recruitment_efficient": "The UN Volunteer recruitment process is efficient and timely.",
    },
    "volunteer_exit": {
        "satisfied_experience": "Overall, I am satisfied with my volunteering experience.",
        "development_contribution": (
            "My assignment contributed to my personal and professional development."
        ),
    },
}


@pytest.fixture(scope="module")
def shipped() -> dict[tuple[str, int], SurveyDefinition]:
    return load_all(DEFINITIONS_DIR)


def _texts(definition: SurveyDefinition) -> Iterator[tuple[str, dict[str, str]]]:
    yield "title", definition.title
    yield "intro", definition.intro
    yield "thanks", definition.thanks
    for number, page in enumerate(definition.pages, 1):
        yield f"page {number} title", page.title
        if page.intro:
            yield f"page {number} intro", page.intro
    for question in definition.questions:
        yield f"{question.key} label", question.label
        if question.help:
            yield f"{question.key} help", question.help
        for option in question.options:
            yield f"{question.key} option {option.code}", option.label


def test_both_surveys_ship_versions_one_to_three(
    shipped: dict[tuple[str, int], SurveyDefinition],
) -> None:
    assert sorted(shipped) == [
        ("partner", 1),
        ("partner", 2),
        ("partner", 3),
        ("volunteer_exit", 1),
        ("volunteer_exit", 2),
        ("volunteer_exit", 3),
    ]
    assert {latest(shipped, key).version for key in ("partner", "volunteer_exit")} == {3}


def _without_arabic_and_russian(data: object) -> object:
    if isinstance(data, dict):
        return {k: _without_arabic_and_russian(v) for k, v in data.items() if k not in ("ar", "ru")}
    if isinstance(data, list):
        return [_without_arabic_and_russian(item) for item in data]
    return data


@pytest.mark.parametrize("key", ["partner", "volunteer_exit"])
def test_version_three_only_adds_arabic_and_russian(
    shipped: dict[tuple[str, int], SurveyDefinition], key: str
) -> None:
    second, third = to_dict(shipped[(key, 2)]), to_dict(shipped[(key, 3)])
    assert third != second
    assert _without_arabic_and_russian(third) == {**second, "version": 3}


@pytest.mark.parametrize("key", ["partner", "volunteer_exit"])
def test_version_two_only_makes_the_indicator_questions_optional(
    shipped: dict[tuple[str, int], SurveyDefinition], key: str
) -> None:
    first, second = shipped[(key, 1)], shipped[(key, 2)]
    indicator_keys = set(INDICATOR_QUESTIONS[key])
    assert all(first.question(k).required for k in indicator_keys)
    assert not any(second.question(k).required for k in indicator_keys)
    as_before = replace(
        second,
        version=1,
        pages=tuple(
            replace(
                page,
                questions=tuple(
                    replace(q, required=True) if q.key in indicator_keys else q
                    for q in page.questions
                ),
            )
            for page in second.pages
        ),
    )
    assert as_before == first


@pytest.mark.parametrize("key", ["partner", "volunteer_exit"])
def test_every_text_is_given_and_translated_in_the_six_un_languages(
    shipped: dict[tuple[str, int], SurveyDefinition], key: str
) -> None:
    assert set(REQUIRED_LANGUAGES) < UN_LANGUAGES == {"ar", "en", "es", "fr", "ru", "zh"}
    untranslated = [
        (where, language)
        for where, texts in _texts(latest(shipped, key))
        for language in sorted(UN_LANGUAGES)
        if not texts.get(language) or (language != "en" and texts[language] == texts["en"])
    ]
    assert untranslated == []


@pytest.mark.parametrize("key", ["partner", "volunteer_exit"])
def test_arabic_and_russian_texts_are_in_their_scripts(
    shipped: dict[tuple[str, int], SurveyDefinition], key: str
) -> None:
    misplaced = [
        (where, language)
        for where, texts in _texts(latest(shipped, key))
        for language, script in (("ar", "\u0600-\u06ff"), ("ru", "\u0400-\u04ff"))
        if not re.search(f"[{script}]", texts[language])
        or re.search("[A-Za-z]{2,}", texts[language].replace("ООН", ""))
    ]
    assert misplaced == []


@pytest.mark.parametrize("key", ["partner", "volunteer_exit"])
def test_indicator_questions_have_the_source_wording_and_the_likert_scale(
    shipped: dict[tuple[str, int], SurveyDefinition], key: str
) -> None:
    definition = latest(shipped, key)
    for question_key, wording in INDICATOR_QUESTIONS[key].items():
        question = definition.question(question_key)
        assert question.label["en"] == wording
        assert question.type == "likert5"
        # Optional on the web: "don't know", "not applicable" or a skip are each counted apart.
        assert question.required is False
        assert question.show_if is None
        assert question.codes == LIKERT_CODES


def test_the_chinese_partner_question_uses_the_strategic_framework_wording(
    shipped: dict[tuple[str, int], SurveyDefinition],
) -> None:
    question = latest(shipped, "partner").question("expectations_met")
    assert question.label["zh"] == "联合国志愿人员始终达到了本组织的期望值。"


@pytest.mark.parametrize(
    ("key", "types"),
    [
        ("partner", {"likert5", "single", "multiple", "number", "text"}),
        ("volunteer_exit", {"likert5", "single", "multiple", "date", "text"}),
    ],
)
def test_each_survey_has_three_or_four_pages_of_ten_to_twenty_varied_questions(
    shipped: dict[tuple[str, int], SurveyDefinition], key: str, types: set[str]
) -> None:
    definition = latest(shipped, key)
    assert 3 <= len(definition.pages) <= 4
    assert 10 <= len(definition.questions) <= 20
    assert types <= {question.type for question in definition.questions}
    assert any(question.show_if for question in definition.questions)
    assert definition.question("comments").type == "text"


def test_the_partner_follow_up_asks_only_those_who_disagree(
    shipped: dict[tuple[str, int], SurveyDefinition],
) -> None:
    condition = latest(shipped, "partner").question("expectations_gaps").show_if
    assert condition is not None
    assert condition.question == "expectations_met"
    assert condition.values == ("somewhat_disagree", "fully_disagree")


def test_the_volunteer_end_date_and_skills_questions_carry_their_rules(
    shipped: dict[tuple[str, int], SurveyDefinition],
) -> None:
    definition = latest(shipped, "volunteer_exit")
    end_date = definition.question("assignment_end_date")
    skills = definition.question("skills_gained")
    assert (end_date.type, end_date.required) == ("date", True)
    assert end_date.earliest is not None and end_date.latest is not None
    assert [option.code for option in skills.options if option.exclusive] == ["none"]


def test_a_dissatisfied_volunteer_answers_page_by_page_and_sees_the_follow_up(
    shipped: dict[tuple[str, int], SurveyDefinition],
) -> None:
    definition = latest(shipped, "volunteer_exit")
    submitted = {
        "assignment_end_date": ["2025-03-31"],
        "preparation_adequate": ["somewhat_agree"],
        "security_support": ["not_applicable"],
        "satisfied_experience": ["somewhat_disagree"],
        "development_contribution": ["fully_agree"],
        "skills_gained": ["languages", "digital"],
        "experience_improvements": ["More regular feedback from my supervisor."],
        "recommend_volunteering": ["yes_probably"],
    }
    answers: dict[str, Answer] = {}
    page: int | None = 0
    while page is not None:
        cleaned, errors = validate_page(definition, page, submitted, answers)
        assert errors == {}
        answers = merge_page(definition, page, answers, cleaned)
        page = next_page_index(definition, page, answers)

    assert answers["experience_improvements"] == "More regular feedback from my supervisor."
    assert answers["skills_gained"] == ["languages", "digital"]
    assert validate_complete(definition, answers) == {}


def test_a_partner_who_agrees_is_not_asked_why_not(
    shipped: dict[tuple[str, int], SurveyDefinition],
) -> None:
    definition = latest(shipped, "partner")
    answers = {"expectations_met": "fully_agree", "recruitment_efficient": "somewhat_disagree"}

    asked = [question.key for question in visible_questions(definition, 3, answers)]

    assert asked == ["recruitment_delays", "future_demand", "would_recommend", "comments"]
