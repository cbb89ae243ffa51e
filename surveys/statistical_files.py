"""SPSS (.sav) and Stata (.dta) files of response exports, with variable and value labels.

A choice question becomes a number per option in the survey's order (1 = its first option) with
the options' labels as value labels; a multiple-choice question one 0/1 variable per option;
yes/no groups 1/0; numbers stay numbers; everything else is text ("" when not given). Names and
labels are fitted to each format's limits (Stata: names of 32 characters, labels of 80; SPSS:
names of 64 bytes, variable labels of 256 bytes, value labels of 120 bytes); the codebook of the
CSV and XLSX exports keeps the full texts.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, MutableSequence, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
from flask_babel import force_locale, lazy_gettext

from surveys.questionnaire import CHOICE_TYPES, Question, text_for
from surveys.response_columns import VERSION_COLUMN, YES_NO_ATTRIBUTES, Column

FORMATS = ("sav", "dta")
Labels = dict[int | float, str]  # the labels of a variable's values (pyreadstat's type)
NUMBER_KEYS = frozenset({"response", "reporting_year", VERSION_COLUMN})
# Words the formats keep for themselves: a variable of that name gets a "q_" prefix.
_RESERVED = {
    "sav": frozenset("all and by eq ge gt le lt ne not or to with".split()),
    "dta": frozenset("byte double float if in int long strl using with".split()),
}
_STATA_STR = re.compile(r"str[0-9]+")
# A text variable shares one string object per distinct value up to this many values (gender,
# dates, office names repeat on every row); free texts beyond it are kept as they come.
_SHARED_TEXTS = 10_000


@dataclass(frozen=True)
class Limits:
    name: int  # characters (Stata) or bytes (SPSS)
    label: int
    value_label: int
    in_bytes: bool


LIMITS = {
    "sav": Limits(name=64, label=256, value_label=120, in_bytes=True),
    "dta": Limits(name=32, label=80, value_label=32000, in_bytes=False),
}


@dataclass
class Variable:
    """One variable of the file: its key (the export's column key, or key_code for an option of
    a multiple choice), label, values and, for labelled numbers, the labels of its values.
    Numbers are collected as an array of doubles (8 bytes a value, handed to the file without
    a copy), texts as a list."""

    key: str
    label: str
    values: MutableSequence[Any] = field(default_factory=list)
    value_labels: Labels | None = None
    number: bool = False
    measure: str = "nominal"
    suffix: str = ""  # kept whole when the label is cut: " - option" of a multiple choice


class _Choice:
    """A single-choice column: codes to numbers in the survey's order, unknown codes after."""

    def __init__(self, column: Column, question: Question, locale: str) -> None:
        options = question.options
        self.numbers = {option.code: place for place, option in enumerate(options, 1)}
        self.labels: Labels = {
            place: text_for(o.label, locale) for place, o in enumerate(options, 1)
        }
        measure = "ordinal" if question.type == "likert5" else "nominal"
        self.variable = Variable(column.key, column.label, array("d"), self.labels, True, measure)

    def add(self, cell: Any) -> None:
        if cell == "" or cell is None:
            self.variable.values.append(math.nan)
            return
        number = self.numbers.get(cell)
        if number is None:  # a code the survey does not (or no longer) list: kept, labelled as is
            number = self.numbers[cell] = len(self.numbers) + 1
            self.labels[number] = str(cell)
        self.variable.values.append(number)


class _Multiple:
    """A multiple-choice column: one 0/1 variable per option (all empty when not answered)."""

    def __init__(self, column: Column, question: Question, locale: str, yes_no: Labels) -> None:
        self.column, self.yes_no = column, yes_no
        self.answered = bytearray()  # 1 where the question was answered
        self.options: dict[str, Variable] = {}
        for option in question.options:
            self._add_option(option.code, text_for(option.label, locale))

    def _add_option(self, code: str, label: str) -> None:
        # A code the survey does not (or no longer) list gets its variable when first seen.
        values = array("d", (0 if answered else math.nan for answered in self.answered))
        key, labels = f"{self.column.key}_{code}", dict(self.yes_no)
        variable = Variable(key, self.column.label, values, labels, True, suffix=f" - {label}")
        self.options[code] = variable

    def add(self, cell: Any) -> None:
        chosen = set(str(cell).split(";")) if cell not in ("", None) else set()
        for code in sorted(chosen - self.options.keys()):
            self._add_option(code, code)
        for code, variable in self.options.items():
            variable.values.append((1 if code in chosen else 0) if chosen else math.nan)
        self.answered.append(1 if chosen else 0)

    @property
    def variables(self) -> list[Variable]:
        return list(self.options.values())


class _Plain:
    """A column written as it comes: a number, a yes/no group (1/0) or a text."""

    def __init__(self, column: Column, yes_no: Labels) -> None:
        self.kind = _plain_kind(column)
        labels = dict(yes_no) if self.kind == "yes_no" else None
        number = self.kind != "text"
        measure = "scale" if self.kind == "number" else "nominal"
        values: MutableSequence[Any] = array("d") if number else []
        self.variable = Variable(column.key, column.label, values, labels, number, measure)
        self.shared: dict[str, str] = {}

    def add(self, cell: Any) -> None:
        values = self.variable.values
        if self.kind == "text":
            text = "" if cell is None else str(cell)
            shared = self.shared.get(text)
            if shared is None and len(self.shared) < _SHARED_TEXTS:
                shared = self.shared[text] = text
            values.append(text if shared is None else shared)
        elif self.kind == "yes_no":
            values.append({"yes": 1, "no": 0}.get(cell, math.nan))
        else:
            values.append(math.nan if cell in ("", None) else cell)


def _plain_kind(column: Column) -> str:
    question = column.question
    if question is not None:
        return "number" if question.type == "number" else "text"
    if column.key in NUMBER_KEYS:
        return "number"
    return "yes_no" if column.key in YES_NO_ATTRIBUTES else "text"


def collect(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], locale: str
) -> list[Variable]:
    """The file's variables, filled from the export's rows (after its header rows); the label
    columns of choice questions are left out: their labels are the value labels."""
    with force_locale(locale):
        yes_no: Labels = {1: str(lazy_gettext("Yes")), 0: str(lazy_gettext("No"))}
    builders: list[tuple[int, _Choice | _Multiple | _Plain]] = []
    for place, column in enumerate(columns):
        question = column.question
        if column.labels:
            continue
        if question is not None and question.type in CHOICE_TYPES:
            if question.type == "multiple":
                builders.append((place, _Multiple(column, question, locale, yes_no)))
            else:
                builders.append((place, _Choice(column, question, locale)))
        else:
            builders.append((place, _Plain(column, yes_no)))
    for row in rows:
        for place, builder in builders:
            builder.add(row[place])
    variables: list[Variable] = []
    for _, builder in builders:
        variables += builder.variables if isinstance(builder, _Multiple) else [builder.variable]
    return variables


def fit(text: str, limit: int, in_bytes: bool) -> str:
    """The text cut to the limit (characters, or UTF-8 bytes on a character boundary), with an
    ellipsis when it was cut."""
    size = len(text.encode()) if in_bytes else len(text)
    if size <= limit:
        return text
    room = limit - (len("…".encode()) if in_bytes else 1)
    if in_bytes:
        return text.encode()[:room].decode(errors="ignore") + "…"
    return text[:room] + "…"


def note_lines(text: str, width: int = 80) -> list[str]:
    """A note as SPSS keeps it: lines of at most `width` UTF-8 bytes, broken between words where
    there are words (a word longer than a line is cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if len(joined.encode()) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        while len(word.encode()) > width:
            head = word.encode()[:width].decode(errors="ignore")
            lines.append(head)
            word = word[len(head) :]
        line = word
    return [*lines, line] if line else lines


def _label(variable: Variable, limits: Limits) -> str:
    """The variable's label within the limit, its suffix (an option's label) kept when it can."""
    suffix = fit(variable.suffix, limits.label // 2, limits.in_bytes)
    size = len(suffix.encode()) if limits.in_bytes else len(suffix)
    return fit(variable.label, limits.label - size, limits.in_bytes) + suffix


def names(variables: Sequence[Variable], fmt: str) -> list[str]:
    """Unique variable names within the format's limits: the key, cut when too long (with a
    number to keep it unique), prefixed when the format reserves the word. In Stata files a
    labelled variable's name leaves room for its value-label set (named after it, plus a count)."""
    limits, reserved = LIMITS[fmt], _RESERVED[fmt]
    labelled = sum(1 for v in variables if v.value_labels)
    room = limits.name - (len(str(max(labelled - 1, 0))) if fmt == "dta" else 0)
    used: set[str] = set()
    result = []
    for variable in variables:
        limit = room if variable.value_labels else limits.name
        name = variable.key
        if name.lower() in reserved or (fmt == "dta" and _STATA_STR.fullmatch(name)):
            name = f"q_{name}"
        candidate, number = name[:limit], 1
        while candidate.lower() in used:
            number += 1
            candidate = f"{name[: limit - len(str(number)) - 1]}_{number}"
        used.add(candidate.lower())
        result.append(candidate)
    return result


def _series(variable: Variable) -> pd.Series:
    """A variable's column for the data frame: numbers read in place from their array."""
    values = variable.values
    if not variable.number:
        return pd.Series(values, dtype=object)
    if isinstance(values, array):
        return pd.Series(np.frombuffer(values, dtype="float64"), copy=False)
    return pd.Series(values, dtype="float64")


def write(
    fmt: str,
    variables: Sequence[Variable],
    path: Path,
    *,
    file_label: str,
    notes: Sequence[str] = (),
) -> None:
    """Write the variables as an SPSS or Stata file at `path`."""
    limits = LIMITS[fmt]
    columns = names(variables, fmt)
    frame = pd.DataFrame(
        {name: _series(v) for name, v in zip(columns, variables, strict=True)}, copy=False
    )
    labels: list[str | None] = [_label(v, limits) for v in variables]
    value_labels = {
        name: {value: fit(text, limits.value_label, limits.in_bytes) for value, text in vl.items()}
        for name, v in zip(columns, variables, strict=True)
        if (vl := v.value_labels)
    }
    if fmt == "sav":
        measures = {name: v.measure for name, v in zip(columns, variables, strict=True)}
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=fit(file_label, 64, True),
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_measure=measures,
            note=[line for note in notes for line in note_lines(note)] or None,
        )
        return
    pyreadstat.write_dta(
        frame,
        str(path),
        file_label=fit(file_label, 80, False),
        column_labels=labels,
        variable_value_labels=value_labels,
    )
