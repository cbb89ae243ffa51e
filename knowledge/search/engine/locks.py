"""Inter-process turns beside the index: an exclusive ``fcntl`` lock on a file, or IndexBusy."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from knowledge.search.engine.results import IndexBusy


@contextmanager
def exclusive_lock(path: Path, timeout: float, what: str) -> Iterator[None]:
    """An inter-process lock on `path`; :class:`IndexBusy` when not had within `timeout` s."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        pause = 0.01
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise IndexBusy(f"{what} busy for {timeout:g} s") from None
                time.sleep(min(pause, remaining))
                pause = min(pause * 2, 0.2)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
