"""Reading an XLSForm into a survey definition: every problem named by sheet, row and column.

pyxform reads the workbook and, once the portal's own checks pass, validates it as the reference
XLSForm implementation does; the rows are then mapped onto the definition model: groups are pages
(a question outside any group is a page of its own, as ODK Collect shows it), `select_one` with the
seven agreement codes is the five-point scale, the rest as `forms_canonical` and the model say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyxform.errors import PyXFormError  # type: ignore[import-untyped]
from pyxform.xls2json import workbook_to_json  # type: ignore[import-untyped]
from pyxform.xls2json_backends import DefinitionData  # type: ignore[import-untyped]

from surveys.definition_checks import from_dict
from surveys.forms_canonical import bounds_from, show_if_from
from surveys.forms_rows import Rows, map_survey
from surveys.forms_sheets import (
    FormProblem,
    FormRejected,
    Workbook,
    default_language,
    language_problems,
    read_workbook,
    text_columns,
    texts,
)
from surveys.questionnaire import (
    AUDIENCES,
    KEY_RE,
    REQUIRED_LANGUAGES,
    SHIPPED_AUDIENCES,
    DefinitionError,
    SurveyDefinition,
)

_VERSION_RE = re.compile(r"[1-9][0-9]{0,8}")
IndicatorCodes = Callable[[str], Mapping[str, Sequence[str]]]


@dataclass(frozen=True)
class ReadForm:
    """A form read and checked; `version` None when its settings give none."""

    key: str
    version: int | None
    data: dict[str, Any]
    rows: Rows

    def definition(self, version: int) -> SurveyDefinition:
        """The definition with this version number; FormRejected naming the cell at fault."""
        try:
            return from_dict({**self.data, "version": version}, "form")
        except DefinitionError as error:
            raise FormRejected([self.rows.locate(error)]) from None


def _settings(book: Workbook, filename: str) -> tuple[str, int | None, list[FormProblem]]:
    row = book.settings.rows[0] if book.settings.rows else {}
    problems = []
    key = row.get("form_id") or Path(filename).stem
    if not KEY_RE.fullmatch(key):
        where = ("settings", 2, "form_id") if row.get("form_id") else (None, None, None)
        message = f"form_id {key!r} must be lower-case letters, digits and _, from a letter"
        problems.append(FormProblem(message, *where))
    audience = row.get("audience", "")
    if audience and key in SHIPPED_AUDIENCES and audience != SHIPPED_AUDIENCES[key]:
        message = f"the {key} survey asks {SHIPPED_AUDIENCES[key]}s, not {audience}"
        problems.append(FormProblem(message, "settings", 2, "audience"))
    elif audience and audience not in AUDIENCES:
        message = f"audience {audience!r} must be one of {', '.join(AUDIENCES)}"
        problems.append(FormProblem(message, "settings", 2, "audience"))
    raw_version = row.get("version")
    version = None
    if raw_version is not None:
        if _VERSION_RE.fullmatch(raw_version):
            version = int(raw_version)
        else:
            message = f"version {raw_version!r} must be a whole number from 1"
            problems.append(FormProblem(message, "settings", 2, "version"))
    return key, version, problems


def _top_texts(book: Workbook, key: str, default: str) -> dict[str, Any]:
    row = book.settings.rows[0] if book.settings.rows else {}
    title = texts(row, text_columns(book.settings, "form_title", default)) or {default: key}
    found: dict[str, Any] = {"title": title}
    for name in ("intro", "thanks"):
        if value := texts(row, text_columns(book.settings, name, default)):
            found[name] = value
    return found


def _languages(book: Workbook, default: str) -> tuple[str, ...]:
    codes: set[str] = set()
    for sheet in (book.survey, book.choices, book.settings):
        for name in ("label", "hint", "form_title"):
            codes |= set(text_columns(sheet, name, default))
    return tuple(sorted(codes))


def _reference_check(book: Workbook, key: str) -> None:
    """pyxform's own validation of everything the portal's checks do not cover."""
    sheets = {k: v for k, v in book.raw.items() if k in DefinitionData.__dataclass_fields__}
    try:
        workbook_to_json(DefinitionData(**sheets), form_name=key, warnings=[])
    except PyXFormError as error:
        message = str(error)
        found = re.search(r"\[row\s*:\s*(\d+)\]", message)
        sheet = next((s for s in ("choices", "settings") if f"'{s}'" in message), "survey")
        row = int(found.group(1)) if found else None
        raise FormRejected([FormProblem(f"XLSForm: {message}", sheet, row)]) from None


def _indicator_problems(
    rows: Rows, questions: Mapping[str, dict[str, Any]], needed: Mapping[str, Sequence[str]]
) -> list[FormProblem]:
    problems = []
    for name, codes in needed.items():
        question = questions.get(name)
        wanted = ", ".join(codes)
        if question is None:
            message = f"{name} feeds a results indicator: the form must ask it (codes {wanted})"
            problems.append(FormProblem(message, "survey", None, "name"))
            continue
        given = tuple(option["code"] for option in question.get("options", ()))
        if question["type"] not in ("likert5", "single") or given != tuple(codes):
            message = f"{name} feeds a results indicator: it must be select_one with codes {wanted}"
            problems.append(FormProblem(message, "survey", rows.question_rows[name], "type"))
    return problems


def read_form(data: bytes, filename: str, indicator_codes: IndicatorCodes) -> ReadForm:
    """The form's definition data; FormRejected listing every problem found, nothing stored."""
    book = read_workbook(data)
    default = default_language(book.settings)
    problems = language_problems(book, default)
    key, version, setting_problems = _settings(book, filename)
    problems += setting_problems
    if problems:
        raise FormRejected(problems)
    languages = _languages(book, default)
    needed = REQUIRED_LANGUAGES if set(languages) >= set(REQUIRED_LANGUAGES) else languages
    top = _top_texts(book, key, default)
    pages, rows, problems = map_survey(book, default, needed, top["title"])
    if "en" not in languages:
        problems.append(FormProblem("the form needs English texts (label::English (en))"))
    if problems:
        raise FormRejected(problems)
    questions = {q["key"]: q for page in pages for q in page["questions"]}
    problems = _indicator_problems(rows, questions, indicator_codes(key))
    if problems:
        raise FormRejected(problems)
    _native_forms(pages)
    body = {"key": key, "version": version or 1, **top, "pages": pages}
    audience = book.settings.rows[0].get("audience") if book.settings.rows else None
    if audience and key not in SHIPPED_AUDIENCES:
        body["audience"] = audience
    if needed != REQUIRED_LANGUAGES:
        body["languages"] = list(languages)
    read = ReadForm(key, version, body, rows)
    read.definition(version or 1)  # every remaining rule of the model, located by row
    _reference_check(book, key)
    return read


def _native_forms(pages: list[dict[str, Any]]) -> None:
    """Turn the XLSForm spellings of show_if and bounds back into the model's own fields."""
    earlier: dict[str, dict[str, Any]] = {}
    for page in pages:
        for question in page["questions"]:
            _native_relevant(question, earlier)
            _native_bounds(question)
        earlier.update({q["key"]: q for q in page["questions"]})


def _native_relevant(question: dict[str, Any], earlier: Mapping[str, dict[str, Any]]) -> None:
    condition = show_if_from(question.get("relevant", "") or "")
    if condition is None or question["type"] == "note":
        return
    target = earlier.get(condition["question"])
    if target is None or target["type"] not in ("likert5", "single", "multiple"):
        return
    codes = {option["code"] for option in target["options"]}
    if set(condition["in"]) <= codes and len(set(condition["in"])) == len(condition["in"]):
        question["show_if"] = condition
        del question["relevant"]


def _native_bounds(question: dict[str, Any]) -> None:
    constraint = question.get("constraint")
    if not constraint or question.get("constraint_message"):
        return
    bounds = bounds_from(constraint, question["type"], bool(question.get("integer")))
    if bounds is not None:
        question.update(bounds)
        del question["constraint"]
