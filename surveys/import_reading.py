"""Reading the rows of a response import: each row's cells, dates and answers checked on its own,
inline for short files and by a pool of processes for long ones, in file order either way.

Only what one row holds is checked here; the rules across rows (e-mails unique in the file and
the campaign, one response per office) stay with the importing process, which applies them to
the rows as read, batch after batch, while the pool reads the next batches.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from portal.markers import N_
from portal.tables import Row
from surveys.answer_rules import check_complete
from surveys.questionnaire import SurveyDefinition
from surveys.rosters import RowCheck, RowRead, RowReader

# Codes of a multiple-choice answer are separated by semicolons in one cell.
CODE_SEPARATOR = ";"
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
#: Processes reading rows besides the importing one (which stores them meanwhile): one core
#: fewer than this process may use, at least one, at most four.
PROCESSES = max(1, min(4, _CORES - 1))
#: Files of fewer bytes are read here: starting the pool (a fresh interpreter importing the
#: survey rules, about a second of CPU each) costs more than it saves below some 25,000 rows.
POOLED_FROM_BYTES = 2 * 1024 * 1024


def processes_for(size: int) -> int:
    """Pool processes to read a file of `size` bytes with (0: none, all read here)."""
    return PROCESSES if size >= POOLED_FROM_BYTES else 0


@dataclass(frozen=True)
class ImportedAnswers:
    submitted_at: datetime
    answers: dict[str, Any]


def _submitted_at(row: RowCheck, now: datetime) -> datetime | None:
    value = row.cells.get("submitted_at", "")
    if not value:
        row.bad("submitted_at", N_("This cell must not be empty."))
        return None
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time(12), UTC)
        else:
            moment = datetime.fromisoformat(value.replace(" ", "T", 1))
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    except ValueError:
        row.bad(
            "submitted_at",
            N_("%(value)s is not a date (YYYY-MM-DD) or date and time."),
            value=value[:40],
        )
        return None
    if moment > now:
        row.bad("submitted_at", N_("The date %(value)s is in the future."), value=value[:40])
        return None
    return moment.astimezone(UTC)


def _answers(row: RowCheck, definition: SurveyDefinition) -> dict[str, Any] | None:
    """The row's answers, skipped questions left out; None (and problems noted) if any is bad."""
    formdata: dict[str, list[str]] = {}
    for question in definition.questions:
        cell = row.cells.get(question.key, "")
        if not cell.strip():
            continue
        if question.type == "multiple":
            formdata[question.key] = [code.strip() for code in cell.split(CODE_SEPARATOR)]
        else:
            formdata[question.key] = [cell]
    # One pass: the same cleaned answers as clean_complete once validate_complete found nothing.
    cleaned, errors = check_complete(definition, formdata, require=False)
    for key, (message, params) in errors.items():
        row.bad(key, message, **params)
    return None if errors else cleaned


@dataclass(frozen=True)
class ResponseCells:
    """Reads a row's `submitted_at` and answers (RowReader's `extra`); picklable."""

    definition: SurveyDefinition
    now: datetime

    def __call__(self, row: RowCheck) -> ImportedAnswers | None:
        submitted_at = _submitted_at(row, self.now)
        answers = _answers(row, self.definition)
        if submitted_at is None or answers is None:
            return None
        return ImportedAnswers(submitted_at, answers)


def read_batches(
    reader: RowReader, batches: Iterator[list[Row]], *, processes: int
) -> Generator[list[RowRead], None, None]:
    """Each batch as `reader` reads it, in order. From a second batch on (a long file) the
    batches are read ahead by `processes` pool processes, at most `processes` + 1 batches in
    memory; the first is read here while the pool starts. Stopping early cancels the rest."""
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if second is None or processes < 1:
        yield reader(first)
        if second is not None:
            yield reader(second)
        yield from map(reader, batches)
        return
    # "spawn": a fresh interpreter per process, whatever threads this one runs (see
    # knowledge.file_check_pool); the reader is handed over once, when each process starts.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        processes, mp_context=context, initializer=_start, initargs=(reader,)
    )
    try:
        pending: deque[Future[list[RowRead]]] = deque([pool.submit(_read, _plain(second))])
        yield reader(first)
        for batch in batches:
            pending.append(pool.submit(_read, _plain(batch)))
            while len(pending) > processes:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_reader: RowReader | None = None


def _start(reader: RowReader) -> None:
    global _reader
    _reader = reader


def _read(rows: list[tuple[int, dict[str, str]]]) -> list[RowRead]:
    if _reader is None:
        raise RuntimeError("the pool process was started without its reader")
    return _reader(Row(line, cells) for line, cells in rows)


def _plain(rows: Sequence[Row]) -> list[tuple[int, dict[str, str]]]:
    return [(row.line, dict(row.cells)) for row in rows]
