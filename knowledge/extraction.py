"""Reads a stored file's text in a separate process with time and memory limits."""

from __future__ import annotations

import json
import logging
import math
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from knowledge.file_rules import KINDS
from portal.markers import N_

logger = logging.getLogger(__name__)

STATUSES = ("ok", "empty", "encrypted", "unreadable", "timeout", "too_large")

#: The status and note of an accepted file whose text the worker has not read yet.
PENDING = "pending"
NOTE_PENDING = N_("The text of this file is being read; it will be searchable shortly.")
NOTE_TRUNCATED = N_(
    "Only the beginning of this file's text was read because the text is very long."
)
NOTE_PARTIAL = N_("Part of this file's text could not be read because the file is damaged.")
NOTES = {
    "ok": "",
    "empty": N_("No text was found in this file; it may contain only images."),
    "encrypted": N_("The text of this file could not be read because it is password-protected."),
    "unreadable": N_("The text of this file could not be read because the file is damaged."),
    "timeout": N_("The text of this file could not be read in the time allowed."),
    "too_large": N_("The text of this file could not be read because it needs too much memory."),
}

_WORKER = Path(__file__).resolve().with_name("extraction_worker.py")
_CPU_LIMIT_SIGNALS = {-signal.SIGXCPU, -signal.SIGKILL}


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    """Outcome of reading a file's text; `note` is an English message id ("" when all was read).

    Only status "ok" has text; every other status means the text must not be indexed as read.
    """

    status: str
    text: str
    note: str

    @property
    def readable(self) -> bool:
        return self.status == "ok"


def extract_text(
    path: Path,
    kind: str,
    *,
    timeout_s: float = 20,
    memory_mb: int = 512,
    max_chars: int = 2_000_000,
) -> ExtractionResult:
    """Read the text of a checked file of `kind` (see files.KINDS); never raises for bad content.

    The parser runs in a separate Python process (`extraction_worker.py`), which caps its address
    space (RLIMIT_AS) and CPU time (RLIMIT_CPU) before it opens the file; this side enforces the
    wall-clock timeout. A crash or an answer that makes no sense reads as "unreadable".
    """
    if kind not in KINDS:
        raise ValueError(f"unknown file kind: {kind!r}")
    # Isolated mode (-I): no PYTHONPATH, no user site, no script directory on sys.path; -B: the
    # worker writes no bytecode.
    command = [
        sys.executable,
        "-I",
        "-B",
        str(_WORKER),
        "--kind",
        kind,
        "--max-chars",
        str(max_chars),
        "--memory-mb",
        str(memory_mb),
        "--cpu-seconds",
        str(max(1, math.ceil(timeout_s))),
        str(path.resolve()),
    ]
    # Limits are set by the worker itself rather than in preexec_fn, which may deadlock in
    # multi-threaded servers (see the subprocess documentation).
    try:
        completed = subprocess.run(  # noqa: S603 - fixed command, no shell
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return result_of("timeout")
    except OSError:
        logger.exception("could not start the text extraction worker")
        return result_of("unreadable")
    return interpret(completed, max_chars)


def interpret(completed: subprocess.CompletedProcess[bytes], max_chars: int) -> ExtractionResult:
    """The result of a finished read: its exit code, its answer on stdout and stderr's tail."""
    if completed.returncode in _CPU_LIMIT_SIGNALS:
        return result_of("timeout")
    return _read_answer(completed, max_chars)


def _read_answer(completed: subprocess.CompletedProcess[bytes], max_chars: int) -> ExtractionResult:
    answer = _parse_answer(completed)
    status = answer.get("status") if answer is not None else None
    if answer is None or not isinstance(status, str) or status not in STATUSES:
        logger.warning(
            "text extraction worker failed (exit %s): %s",
            completed.returncode,
            completed.stderr[-2000:].decode("utf-8", "replace"),
        )
        return result_of("unreadable")
    if status != "ok":
        return result_of(status)
    text = answer.get("text")
    if not isinstance(text, str) or not text.strip():
        return result_of("empty")
    if answer.get("truncated") or len(text) > max_chars:
        return ExtractionResult("ok", text[:max_chars], NOTE_TRUNCATED)
    return ExtractionResult("ok", text, NOTE_PARTIAL if answer.get("partial") else "")


def _parse_answer(completed: subprocess.CompletedProcess[bytes]) -> dict[str, object] | None:
    if completed.returncode != 0:
        return None
    try:
        answer = json.loads(completed.stdout)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def result_of(status: str) -> ExtractionResult:
    """A result without text, with the note of `status`."""
    return ExtractionResult(status, "", NOTES[status])
