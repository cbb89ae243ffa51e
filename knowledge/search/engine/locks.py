"""Files beside the index: exclusive ``fcntl`` turns (or IndexBusy) and atomic replacement."""

from __future__ import annotations

import fcntl
import os
import secrets
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


def lock_held(path: Path) -> bool:
    """Whether some process holds the exclusive lock on ``path`` right now."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def replace_file(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically and durably (temporary file, fsync, rename)."""
    temporary = target.with_name(f"{target.name}.{os.getpid()}.{secrets.token_hex(4)}")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
