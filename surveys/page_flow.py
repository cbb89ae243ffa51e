"""Moving through a survey: which questions a page shows, and the next and previous pages."""

from __future__ import annotations

from collections.abc import Mapping

from surveys.expressions import evaluate
from surveys.questionnaire import Answer, Page, Question, SurveyDefinition


def page_at(definition: SurveyDefinition, page_index: int) -> Page:
    if not 0 <= page_index < len(definition.pages):
        raise IndexError(f"{definition.key} v{definition.version} has no page {page_index}")
    return definition.pages[page_index]


def is_visible(question: Question, answers: Mapping[str, Answer]) -> bool:
    """Whether the question is asked, given answers to the earlier questions.

    Both its `show_if` and its `relevant` expression must hold; a question not asked is not
    answered, so its answer is neither kept nor counted.
    """
    if question.relevant is not None and not evaluate(question.relevant, answers):
        return False
    if question.show_if is None:
        return True
    given = answers.get(question.show_if.question)
    chosen = given if isinstance(given, list) else [given]
    return any(code in question.show_if.values for code in chosen)


def page_is_relevant(page: Page, answers: Mapping[str, Answer]) -> bool:
    return page.relevant is None or evaluate(page.relevant, answers)


def prune_hidden(definition: SurveyDefinition, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers without those to unknown questions or to questions no longer shown."""
    kept: dict[str, Answer] = {}
    for page in definition.pages:
        shown = page_is_relevant(page, kept)
        for question in page.questions:
            if shown and question.key in answers and is_visible(question, kept):
                kept[question.key] = answers[question.key]
    return kept


def visible_questions(
    definition: SurveyDefinition, page_index: int, answers: Mapping[str, Answer]
) -> list[Question]:
    """The page's questions to show; conditions only read earlier pages, so no script is needed."""
    return shown_questions(definition, page_index, prune_hidden(definition, answers))


def shown_questions(
    definition: SurveyDefinition, page_index: int, context: Mapping[str, Answer]
) -> list[Question]:
    """`visible_questions` given answers already pruned (`prune_hidden`)."""
    page = page_at(definition, page_index)
    if not page_is_relevant(page, context):
        return []
    return [q for q in page.questions if is_visible(q, context)]


def asked_questions(
    definition: SurveyDefinition, page_index: int, answers: Mapping[str, Answer]
) -> list[Question]:
    """The page's questions put to the respondent: the visible ones but those the roster
    answers (`fixed`, see surveys.roster_answers)."""
    return [q for q in visible_questions(definition, page_index, answers) if not q.fixed]


def next_page_index(
    definition: SurveyDefinition, page_index: int, answers: Mapping[str, Answer]
) -> int | None:
    """The next page with a question to show, or None after the last one (page 0 always shows)."""
    for index in range(page_index + 1, len(definition.pages)):
        if asked_questions(definition, index, answers):
            return index
    return None


def previous_page_index(
    definition: SurveyDefinition, page_index: int, answers: Mapping[str, Answer]
) -> int | None:
    """The previous page with a question to show, or None before the first one."""
    for index in range(min(page_index, len(definition.pages)) - 1, -1, -1):
        if asked_questions(definition, index, answers):
            return index
    return None


def progress(definition: SurveyDefinition, page_index: int) -> tuple[int, int]:
    """(current page number from 1, number of pages)."""
    page_at(definition, page_index)
    return page_index + 1, len(definition.pages)
