"""The survey and choices sheets of an XLSForm mapped row by row onto pages and questions."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from surveys.forms_sheets import LANGUAGE_LABELS, FormProblem, Sheet, Workbook, text_columns, texts
from surveys.questionnaire import KEY_RE, LIKERT_CODES, RESERVED_KEYS, DefinitionError

_SELECT_RE = re.compile(r"(select_one|select one|select_multiple|select all that apply)\s+(\S+)")
_SIMPLE_TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "note": "note",
}
_BEGIN, _END = {"begin_group", "begin group"}, {"end_group", "end group"}
# Metadata the device records by itself: nothing is asked, so nothing is mapped.
_METADATA = {"start", "end", "today", "deviceid", "username", "audit", "calculate_metadata"}
_YES = {"yes", "true", "true()", "1"}
_NO = {"no", "false", "false()", "0", ""}
_FIELD_COLUMNS = {"required_if": "required", "show_if": "relevant", "help": "hint"}
_REFERENCE_RE = re.compile(r"\$\{([^}]*)\}")
_EXPRESSION_COLUMNS = ("relevant", "constraint", "required", "choice_filter", "default")
SUPPORTED = (
    "select_one, select_multiple, text, integer, decimal, date, note, begin_group, end_group"
)


@dataclass
class Rows:
    """Where each question and option came from, to name the cell of a problem found later."""

    question_rows: dict[str, int] = field(default_factory=dict)

    def locate(self, error: DefinitionError) -> FormProblem:
        row = self.question_rows.get(error.question or "")
        column = _FIELD_COLUMNS.get(error.field or "", error.field) if error.field else None
        sheet = "survey" if row else None
        return FormProblem(error.problem, sheet, row, column)


@dataclass
class _Mapper:
    book: Workbook
    default: str
    needed: Sequence[str]
    form_title: dict[str, str]
    problems: list[FormProblem] = field(default_factory=list)
    rows: Rows = field(default_factory=Rows)
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)

    def problem(self, message: str, sheet: str, row: int | None, column: str | None) -> None:
        self.problems.append(FormProblem(message, sheet, row, column))

    def texts(self, sheet: Sheet, row: Mapping[str, str], number: int, name: str) -> dict[str, str]:
        """The row's texts `name` in each language; a missing needed language is a problem."""
        found = texts(row, text_columns(sheet, name, self.default))
        if not found and name != "label":
            return {}
        for code in self.needed:
            if code not in found:
                column = f"{name}::{LANGUAGE_LABELS[code]}"
                self.problem(f"the {name} in {code} is missing", sheet.name, number, column)
        return found

    def read_choices(self) -> None:
        sheet = self.book.choices
        for index, row in enumerate(sheet.rows):
            number = sheet.row_number(index)
            if not row:
                continue
            list_name, code = row.get("list_name", ""), row.get("name", "")
            if not list_name or not code:
                column = "list_name" if not list_name else "name"
                self.problem(f"{column} is empty", sheet.name, number, column)
                continue
            options = self.lists.setdefault(list_name, [])
            if not KEY_RE.fullmatch(code):
                message = f"choice name {code!r} must be lower-case letters, digits and _"
                self.problem(message, sheet.name, number, "name")
            elif code in (option["code"] for option in options):
                message = f"choice {code!r} appears twice in list {list_name!r}"
                self.problem(message, sheet.name, number, "name")
            option: dict[str, Any] = {"code": code}
            option["label"] = self.texts(sheet, row, number, "label")
            if row.get("exclusive", "").lower() in _YES - {""}:
                option["exclusive"] = True
            options.append(option)

    def name_of(self, row: Mapping[str, str], number: int) -> str | None:
        name = row.get("name", "")
        if not KEY_RE.fullmatch(name) or name in RESERVED_KEYS:
            message = f"name {name!r} must be lower-case letters, digits and _, from a letter"
            self.problem(message, "survey", number, "name")
            return None
        if name in self.names:
            message = f"name {name!r} is used twice (first on row {self.names[name]})"
            self.problem(message, "survey", number, "name")
            return None
        self.names[name] = number
        return name

    def kind_of(self, raw: str, number: int) -> tuple[str, dict[str, Any]] | None:
        select = _SELECT_RE.fullmatch(raw)
        if select is None:
            kind = _SIMPLE_TYPES.get(raw.lower())
            if kind is None:
                message = f"type {raw!r} is not supported here; use one of {SUPPORTED}"
                self.problem(message, "survey", number, "type")
                return None
            extra: dict[str, Any] = {"integer": kind == "integer"}
            return ("number", extra) if kind in ("integer", "decimal") else (kind, {})
        options = self.lists.get(select.group(2))
        if options is None:
            message = f"choice list {select.group(2)!r} is not on the choices sheet"
            self.problem(message, "survey", number, "type")
            return None
        multiple = "multiple" in select.group(1) or "all" in select.group(1)
        if not multiple:
            options = [{k: v for k, v in o.items() if k != "exclusive"} for o in options]
        codes = tuple(option["code"] for option in options)
        kind = "multiple" if multiple else ("likert5" if codes == LIKERT_CODES else "single")
        return kind, {"options": options}

    def question(self, row: Mapping[str, str], number: int) -> dict[str, Any] | None:
        found = self.kind_of(row["type"], number)
        name = self.name_of(row, number)
        if found is None or name is None:
            return None
        kind, extra = found
        self.rows.question_rows[name] = number
        sheet = self.book.survey
        question: dict[str, Any] = {"key": name, "type": kind}
        question["label"] = self.texts(sheet, row, number, "label")
        if help_texts := self.texts(sheet, row, number, "hint"):
            question["help"] = help_texts
        if row.get("relevant"):
            question["relevant"] = row["relevant"]
        if kind == "note":
            return question
        question.update(extra)
        if kind == "text":
            question["multiline"] = "multiline" in row.get("appearance", "").split()
        required = row.get("required", "")
        if required.lower() in _YES:
            question["required"] = True
        elif required.lower() not in _NO:
            question["required_if"] = required
        for name_ in ("constraint", "default", "roster", "roster_use"):
            if row.get(name_):
                question[name_] = row[name_]
        for name_ in ("constraint_message", "required_message"):
            if message := self.texts(sheet, row, number, name_):
                question[name_] = message
        return question

    def group(self, row: Mapping[str, str], number: int) -> dict[str, Any]:
        self.name_of(row, number)
        sheet = self.book.survey
        label = texts(row, text_columns(sheet, "label", self.default))
        page: dict[str, Any] = {
            "title": self.texts(sheet, row, number, "label") if label else self.form_title,
            "questions": [],
        }
        if intro := self.texts(sheet, row, number, "hint"):
            page["intro"] = intro
        if row.get("relevant"):
            page["relevant"] = row["relevant"]
        return page


def reference_problems(sheet: Sheet) -> list[FormProblem]:
    """Every `${name}` in an expression that names no row of the survey sheet, by cell.

    Found with the rows' own problems (a duplicate name, a missing choice list), so that one
    upload reports them all; whether a reference reads an earlier page is checked later.
    """
    names = {row.get("name", "") for row in sheet.rows if row.get("name")}
    problems = []
    for index, row in enumerate(sheet.rows):
        for column in _EXPRESSION_COLUMNS:
            expression = row.get(column, "")
            for name in _REFERENCE_RE.findall(expression):
                if name not in names:
                    message = (
                        f'{column} "{expression}": ${{{name}}} is not a question of this survey'
                    )
                    problems.append(FormProblem(message, "survey", Sheet.row_number(index), column))
    return problems


def map_survey(
    book: Workbook, default: str, needed: Sequence[str], form_title: dict[str, str]
) -> tuple[list[dict[str, Any]], Rows, list[FormProblem]]:
    """(pages, where each question came from, problems) of the survey sheet."""
    mapper = _Mapper(book, default, needed, form_title)
    mapper.read_choices()
    pages: list[dict[str, Any]] = []
    group: dict[str, Any] | None = None
    group_row = 0
    for index, row in enumerate(book.survey.rows):
        number = Sheet.row_number(index)
        kind = row.get("type", "").lower()
        if not row or kind in _METADATA:
            continue
        if not kind:
            mapper.problem("type is empty", "survey", number, "type")
        elif kind in _BEGIN:
            if group is not None:
                message = f"a group inside the group of row {group_row}: each group is one page"
                mapper.problem(message, "survey", number, "type")
            group, group_row = mapper.group(row, number), number
        elif kind in _END:
            if group is None:
                mapper.problem("end_group without a begin_group", "survey", number, "type")
            elif not group["questions"]:
                mapper.problem("this group has no questions", "survey", group_row, "type")
            else:
                pages.append(group)
            group = None
        elif (question := mapper.question(row, number)) is not None:
            if group is not None:
                group["questions"].append(question)
            else:
                pages.append({"title": form_title, "questions": [question]})
    if group is not None:
        mapper.problem("begin_group without its end_group", "survey", group_row, "type")
    mapper.problems += reference_problems(book.survey)
    if not pages and not mapper.problems:
        mapper.problem("the form asks no question", "survey", None, "type")
    problems = sorted(mapper.problems, key=lambda found: (found.sheet or "", found.row or 0))
    return pages, mapper.rows, problems
