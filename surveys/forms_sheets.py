"""An XLSForm workbook as rows (read by pyxform), its language columns, and problems by cell."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from pyxform.errors import PyXFormError  # type: ignore[import-untyped]
from pyxform.xls2json_backends import xlsx_to_dict  # type: ignore[import-untyped]

from surveys.questionnaire import UN_LANGUAGES

# "label::English (en)", "hint::Français (fr)": the code in brackets is the language.
_LANGUAGE_RE = re.compile(r".*\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$")
LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "français": "fr",
    "spanish": "es",
    "español": "es",
    "chinese": "zh",
    "中文": "zh",
    "arabic": "ar",
    "العربية": "ar",
    "russian": "ru",
    "русский": "ru",
}
LANGUAGE_LABELS = {
    "en": "English (en)",
    "fr": "French (fr)",
    "es": "Spanish (es)",
    "zh": "Chinese (zh)",
    "ar": "Arabic (ar)",
    "ru": "Russian (ru)",
}
TEXT_COLUMNS = (
    "label",
    "hint",
    "constraint_message",
    "required_message",
    "form_title",
    "intro",
    "thanks",
)


@dataclass(frozen=True)
class FormProblem:
    """One thing wrong with a form, at its sheet, row (as the spreadsheet numbers it) and column."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [f"sheet {self.sheet}"] if self.sheet else []
        where += [f"row {self.row}"] if self.row else []
        where += [f"column {self.column}"] if self.column else []
        return f"{', '.join(where)}: {self.message}" if where else self.message


class FormRejected(ValueError):
    """A form refused whole; `problems` says where and why."""

    def __init__(self, problems: list[FormProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass
class Sheet:
    """A sheet's rows (row 2 is index 0, empty rows kept) and its column headers in order."""

    name: str
    rows: list[dict[str, str]]
    headers: list[str]

    @staticmethod
    def row_number(index: int) -> int:
        return index + 2


@dataclass
class Workbook:
    survey: Sheet
    choices: Sheet
    settings: Sheet
    raw: dict[str, Any] = field(default_factory=dict)


def _sheet(book: Mapping[str, Any], name: str) -> Sheet:
    rows = [{k: str(v).strip() for k, v in row.items()} for row in book.get(name) or []]
    headers = list((book.get(f"{name}_header") or [{}])[0])
    return Sheet(name, rows, headers)


def read_workbook(data: bytes) -> Workbook:
    """The survey, choices and settings sheets; FormRejected if the file is no XLSForm workbook."""
    try:
        book = xlsx_to_dict(BytesIO(data))
    except (PyXFormError, ValueError) as error:
        raise FormRejected([FormProblem(f"not a readable .xlsx workbook ({error})")]) from None
    if not book.get("survey"):
        raise FormRejected([FormProblem("the workbook has no sheet named survey", "survey")])
    return Workbook(_sheet(book, "survey"), _sheet(book, "choices"), _sheet(book, "settings"), book)


def language_of(header: str, default: str) -> str | None:
    """The language code of a text column (`label::English (en)` is en; plain `label` default)."""
    if "::" not in header:
        return default
    suffix = header.split("::", 1)[1].strip()
    match = _LANGUAGE_RE.fullmatch(suffix)
    code = match.group(1).lower() if match else LANGUAGE_NAMES.get(suffix.lower())
    return code if code in UN_LANGUAGES else None


def default_language(settings: Sheet) -> str:
    raw = settings.rows[0].get("default_language", "") if settings.rows else ""
    if not raw or raw == "default":
        return "en"
    return language_of(f"x::{raw}", "en") or (raw.lower() if raw.lower() in UN_LANGUAGES else "")


def text_columns(sheet: Sheet, name: str, default: str) -> dict[str, str]:
    """The columns holding texts `name` (label, hint...) by language code."""
    columns: dict[str, str] = {}
    for header in sheet.headers:
        base = header.split("::", 1)[0].strip()
        if base == name:
            code = language_of(header, default)
            if code is not None:
                columns[code] = header
    return columns


def language_problems(book: Workbook, default: str) -> list[FormProblem]:
    """Text columns whose language is not one of the six UN languages, named by sheet."""
    problems = []
    if default not in UN_LANGUAGES:
        problems.append(
            FormProblem(
                "default_language must be a UN language, e.g. English (en)",
                "settings",
                2,
                "default_language",
            )
        )
    for sheet in (book.survey, book.choices, book.settings):
        for header in sheet.headers:
            base = header.split("::", 1)[0].strip()
            if base in TEXT_COLUMNS and language_of(header, default or "en") is None:
                message = (
                    "the language of this column must be one of ar, en, es, fr, ru, zh, "
                    f"written like {base}::English (en)"
                )
                problems.append(FormProblem(message, sheet.name, 1, header))
    return problems


def texts(row: Mapping[str, str], columns: Mapping[str, str]) -> dict[str, str]:
    """The row's texts by language, empty cells left out."""
    return {code: row[header] for code, header in columns.items() if row.get(header)}
