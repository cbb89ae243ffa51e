"""Spreadsheet safety and workbooks: neutralised text, a write-only XLSX file, the codebook."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import IO, Any

from flask_babel import force_locale, lazy_gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from surveys.questionnaire import CHOICE_TYPES, SurveyDefinition, text_for

# A spreadsheet runs a cell starting with one of these as a formula (leading blanks are skipped).
_FORMULA_START = re.compile(r"^[\s]*[=+\-@\t\r]")


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would execute gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def write_xlsx(
    rows: Iterator[Sequence[Any]], out: IO[bytes], codebook: Sequence[Sequence[Any]]
) -> None:
    """A write-only workbook (rows go to disk as they come): responses and a codebook sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    sheet.freeze_panes = "A3"
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    book = workbook.create_sheet("codebook")
    for row in codebook:
        book.append([_text_cell(book, value) for value in row])
    workbook.save(out)


def _text_cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    # openpyxl takes any text starting with "=" for a formula; neutralised text must stay text.
    cell.data_type = "s"
    return cell


def codebook_rows(definition: SurveyDefinition, locale: str) -> list[list[Any]]:
    """question key, question, answer code, answer label: for every choice of every question."""
    with force_locale(locale):
        header = [
            str(lazy_gettext("Question key")),
            str(lazy_gettext("Question")),
            str(lazy_gettext("Answer code")),
            str(lazy_gettext("Answer label")),
        ]
    rows: list[list[Any]] = [["question_key", "question", "code", "label"], header]
    for question in definition.questions:
        label = neutralise(text_for(question.label, locale))
        if question.type not in CHOICE_TYPES:
            rows.append([question.key, label, "", question.type])
        for option in question.options:
            rows.append(
                [
                    question.key,
                    label,
                    option.code,
                    neutralise(text_for(option.label, locale)),
                ]
            )
    return rows
