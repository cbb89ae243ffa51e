"""Questions answered from the roster: what UNV already knows is pre-filled, or not asked at all.

A question names a roster attribute (`roster`, e.g. `assignment_end`) and how it is used
(`roster_use`): `prefill` shows the roster's value as the answer, which the respondent may
correct; `replace` does not ask the question when the roster has a valid value and records that
value as the answer. Without a value in the roster the question is asked as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from surveys.answer_rules import clean_answer
from surveys.questionnaire import Answer, DefinitionError, Page, Question, SurveyDefinition

# Roster attributes a question may take its answer from, and the question types that can hold it.
# Contact details, nationality and personal groups (gender, age, disability) are never offered:
# they are the respondent's to give, and a response keeps only their groups.
ROSTER_SOURCES: Mapping[str, frozenset[str]] = {
    "assignment_start": frozenset({"date"}),
    "assignment_end": frozenset({"date"}),
    "category": frozenset({"single"}),
    "modality": frozenset({"single"}),
    "office_type": frozenset({"single"}),
}
ROSTER_USES = ("prefill", "replace")


def check_roster_fields(question: Question, src: str) -> Question:
    """The question as given, or DefinitionError when its roster attribute or use is wrong."""
    if question.roster is None:
        if question.roster_use != "prefill":
            raise DefinitionError(
                src, "roster_use needs a roster attribute", question.key, "roster"
            )
        return question
    types = ROSTER_SOURCES.get(question.roster) if isinstance(question.roster, str) else None
    if types is None:
        problem = f"roster must be one of {', '.join(ROSTER_SOURCES)}, not {question.roster!r}"
        raise DefinitionError(src, problem, question.key, "roster")
    if question.type not in types:
        problem = f"the roster's {question.roster} cannot answer a {question.type} question"
        raise DefinitionError(src, problem, question.key, "roster")
    if question.roster_use not in ROSTER_USES:
        problem = f"roster_use must be one of {', '.join(ROSTER_USES)}"
        raise DefinitionError(src, problem, question.key, "roster_use")
    return question


def _as_answer(question: Question, value: object) -> str | None:
    """The roster's value as an answer to the question, if the answering rules accept it."""
    text = value.isoformat() if isinstance(value, date) else value
    if not isinstance(text, str) or not text:
        return None
    _, error = clean_answer(question, text)
    return text if error is None else None


def fixed_answers(definition: SurveyDefinition) -> dict[str, Answer]:
    """The answers the roster gives to the questions it replaces, as the answering rules read
    them; pruned like any answer when another answer hides the question."""
    answers: dict[str, Answer] = {}
    for question in definition.questions:
        if question.fixed and question.default is not None:
            value, _ = clean_answer(question, question.default)
            if value is not None:
                answers[question.key] = value
    return answers


def roster_values(invitation: object) -> dict[str, object]:
    """The roster attributes of an invitation (or a roster entry) that questions may take."""
    return {name: getattr(invitation, name, None) for name in ROSTER_SOURCES}


def for_respondent(
    definition: SurveyDefinition, attributes: Mapping[str, object]
) -> SurveyDefinition:
    """The definition as one respondent meets it: roster values as defaults, replaced questions
    marked `fixed` (answered, not shown). A value outside the question's answers is ignored."""
    if not any(question.roster for page in definition.pages for question in page.questions):
        return definition
    pages = []
    for page in definition.pages:
        questions = []
        for question in page.questions:
            given = _as_answer(question, attributes.get(question.roster or ""))
            if question.roster and given is not None:
                fixed = question.roster_use == "replace"
                question = replace(question, default=given, fixed=fixed)
            questions.append(question)
        pages.append(Page(page.title, tuple(questions), page.intro, page.relevant))
    return replace(definition, pages=tuple(pages))
