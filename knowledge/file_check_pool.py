"""Checks many files by content at once, in a bounded pool of processes when that pays off.

Kept apart from the rest of the import so that the pool's processes import little: the content
checks (knowledge.file_checks) and nothing of the database or the web.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.file_checks import check_upload
from knowledge.file_rules import CheckedFile, UploadRejected

#: Processes checking files at once: the cores this process may use, at most four.
PROCESSES = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
#: Below this many bytes in all the checks run inline: starting the pool would cost more than
#: it saves (small files are checked in well under a millisecond each).
POOLED_FROM_BYTES = 64 * 1024 * 1024
_CHUNK = 16


@dataclass(frozen=True)
class FileRefusal:
    """Why a file was refused: an English message id and its parameters (see UploadRejected)."""

    message: str
    params: dict[str, Any]


def check_one(path: Path, name: str, max_bytes: int) -> CheckedFile | FileRefusal:
    """One file's check, answered as plain data (an UploadRejected would lose its parameters on
    its way back from a pool process)."""
    try:
        return check_upload(path, name, max_bytes)
    except UploadRejected as rejected:
        return FileRefusal(rejected.message, rejected.params)


def check_files(
    paths: Sequence[Path], max_bytes: int, *, processes: int | None = None
) -> list[CheckedFile | FileRefusal]:
    """Each file checked by content (its own name as the upload name), in the order given.

    `processes` forces the pool size (1: inline); by default the pool is used from
    POOLED_FROM_BYTES of files on, with PROCESSES processes.
    """
    names = [path.name for path in paths]
    limits = [max_bytes] * len(paths)
    if processes is None:
        processes = PROCESSES if _total_size(paths) >= POOLED_FROM_BYTES else 1
    workers = min(processes, len(paths))
    if workers < 2:
        return list(map(check_one, paths, names, limits))
    # "spawn": a fresh interpreter per process, whatever threads this one runs (a forked copy of
    # a threaded process may inherit a lock held by another thread).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        chunk = max(1, min(_CHUNK, len(paths) // (workers * 4)))
        return list(pool.map(check_one, paths, names, limits, chunksize=chunk))


def _total_size(paths: Sequence[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            continue  # the check itself reports it
    return total
