"""Writing a survey definition as an XLSForm workbook that `forms_import` reads back unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from surveys.forms_canonical import bounds_expression, show_if_expression
from surveys.forms_sheets import LANGUAGE_LABELS
from surveys.questionnaire import CHOICE_TYPES, LIKERT_CODES, Page, Question, SurveyDefinition

_TYPE = {"text": "text", "date": "date", "note": "note"}


def _languages(definition: SurveyDefinition) -> list[str]:
    found: set[str] = set(definition.title) | set(definition.intro) | set(definition.thanks)
    for page in definition.pages:
        found |= set(page.title) | set(page.intro)
        for question in page.questions:
            found |= set(question.label) | set(question.help)
            for option in question.options:
                found |= set(option.label)
    return [code for code in LANGUAGE_LABELS if code in found]


def _text_headers(name: str, languages: Iterable[str]) -> list[str]:
    return [f"{name}::{LANGUAGE_LABELS[code]}" for code in languages]


class _Lists:
    """Choice lists by content: questions with the same options share one list."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.rows: list[tuple[str, Question]] = []

    def name_for(self, question: Question) -> str:
        content = json.dumps(
            [[o.code, o.label, o.exclusive] for o in question.options], sort_keys=True
        )
        if content not in self.names:
            base = "likert5" if question.codes == LIKERT_CODES else question.key
            name = base
            while name in self.names.values():
                name = f"{name}_"
            self.names[content] = name
            self.rows.append((name, question))
        return self.names[content]


def _question_type(question: Question, lists: _Lists) -> str:
    if question.type in CHOICE_TYPES:
        kind = "select_multiple" if question.type == "multiple" else "select_one"
        return f"{kind} {lists.name_for(question)}"
    if question.type == "number":
        return "integer" if question.integer else "decimal"
    return _TYPE[question.type]


def _joined(*parts: str | None) -> str:
    given = [part for part in parts if part]
    return given[0] if len(given) == 1 else " and ".join(f"({part})" for part in given)


def _question_row(question: Question, lists: _Lists) -> dict[str, Any]:
    row: dict[str, Any] = {
        "type": _question_type(question, lists),
        "name": question.key,
        "label": question.label,
        "hint": question.help,
        "constraint_message": question.constraint_message,
        "required_message": question.required_message,
    }
    show_if = show_if_expression(question.show_if) if question.show_if else None
    row["relevant"] = _joined(show_if, question.relevant)
    row["constraint"] = _joined(bounds_expression(question), question.constraint)
    row["required"] = "yes" if question.required else (question.required_if or "")
    row["default"] = question.default or ""
    row["appearance"] = "multiline" if question.type == "text" and question.multiline else ""
    row["roster"] = question.roster or ""
    row["roster_use"] = question.roster_use if question.roster else ""
    return row


def _group_name(number: int, taken: set[str]) -> str:
    name = f"page_{number}"
    while name in taken:
        name = f"{name}_"
    return name


def _page_rows(page: Page, number: int, taken: set[str], lists: _Lists) -> list[dict[str, Any]]:
    begin = {
        "type": "begin_group",
        "name": _group_name(number, taken),
        "label": page.title,
        "hint": page.intro,
        "relevant": page.relevant or "",
        "appearance": "field-list",
    }
    rows = [begin, *(_question_row(q, lists) for q in page.questions)]
    return [*rows, {"type": "end_group"}]


def _cells(row: dict[str, Any], headers: list[str], languages: list[str]) -> list[Any]:
    cells = []
    for header in headers:
        name, _, language = header.partition("::")
        value = row[header] if header in row else row.get(name, "")
        if isinstance(value, dict):
            code = next((c for c in languages if LANGUAGE_LABELS[c] == language), "")
            value = value.get(code, "")
        cells.append(value or None)
    return cells


def _append(sheet: Any, cells: list[Any]) -> None:
    """A row of text cells: a text starting with "=" stays text, never a formula, and reads back
    exactly as written (no apostrophe added)."""
    sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def form_workbook(definition: SurveyDefinition) -> bytes:
    """The definition as an .xlsx XLSForm: survey, choices and settings sheets."""
    languages = _languages(definition)
    lists = _Lists()
    taken = {question.key for page in definition.pages for question in page.questions}
    survey_rows = [
        row
        for number, page in enumerate(definition.pages, 1)
        for row in _page_rows(page, number, taken, lists)
    ]

    def text(name: str) -> list[str]:
        return _text_headers(name, languages)

    survey_headers = ["type", "name", *text("label"), *text("hint"), "relevant", "constraint"]
    survey_headers += [*text("constraint_message"), "required", *text("required_message")]
    survey_headers += ["default", "appearance"]
    if any(question.roster for question in definition.questions):
        survey_headers += ["roster", "roster_use"]  # the portal's own columns, only when used
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    _append(sheet, survey_headers)
    for row in survey_rows:
        _append(sheet, _cells(row, survey_headers, languages))
    choices = book.create_sheet("choices")
    choice_headers = ["list_name", "name", *text("label"), "exclusive"]
    _append(choices, choice_headers)
    for name, question in lists.rows:
        for option in question.options:
            cells = {"list_name": name, "name": option.code, "label": option.label}
            cells["exclusive"] = "yes" if option.exclusive else ""
            _append(choices, _cells(cells, choice_headers, languages))
    settings = book.create_sheet("settings")
    settings_headers = ["form_id", "version", "default_language", "form_title"]
    settings_headers += ["audience"] if definition.audience else []
    settings_headers += [h for h in text("form_title") if not h.endswith("(en)")]
    settings_headers += [*text("intro"), *text("thanks")]
    _append(settings, settings_headers)
    values = {
        "form_id": definition.key,
        "version": str(definition.version),
        "default_language": LANGUAGE_LABELS["en"],
        "form_title": definition.title,
        "audience": definition.audience or "",
        "intro": definition.intro,
        "thanks": definition.thanks,
    }
    values["form_title"] = definition.title.get("en", "")  # the default language's title
    values |= {f"form_title::{LANGUAGE_LABELS[c]}": t for c, t in definition.title.items()}
    _append(settings, _cells(values, settings_headers, languages))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
