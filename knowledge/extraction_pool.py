"""A bounded pool of extraction servers reading many files' text at once, each within the limits.

Each of at most PROCESSES servers (knowledge/extraction_server.py, isolated mode, parsers imported
once) reads one file at a time in a forked child limited exactly as a one-off read of
knowledge.extraction is (address space, CPU time), and kills the child at the wall-clock timeout;
so a file that hangs or blows its memory costs its own status ("timeout", "too_large") and holds
only its server for at most the timeout, while the others go on. A server that stops answering
(killed, or silent past the timeout and a grace period) is killed with its child and replaced;
the file it held raises ExtractionServerError, which leaves the file claimed for a later round.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from knowledge.extraction import ExtractionResult, interpret, result_of
from knowledge.file_rules import KINDS

log = logging.getLogger(__name__)

_SERVER = Path(__file__).resolve().with_name("extraction_server.py")
#: Servers reading at once: the cores this process may use, at most four.
PROCESSES = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
#: How long past a read's timeout a silent server is given before it is replaced.
GRACE_S = 10.0


class ExtractionServerError(Exception):
    """A server died or stopped answering: the file it read has no result (try it again later)."""


@dataclass(frozen=True)
class Limits:
    """The limits of one read, as knowledge.extraction.extract_text takes them."""

    timeout_s: float = 20
    memory_mb: int = 512
    max_chars: int = 2_000_000


class _Server:
    """One extraction server and the two files its children answer in."""

    def __init__(self, number: int, folder: Path, limits: Limits) -> None:
        self.limits = limits
        self.answer = folder / f"answer-{number}.json"
        self.errors = folder / f"errors-{number}.txt"
        command = [
            sys.executable, "-I", "-B", str(_SERVER),
            "--max-chars", str(limits.max_chars),
            "--memory-mb", str(limits.memory_mb),
            "--cpu-seconds", str(max(1, math.ceil(limits.timeout_s))),
            "--timeout", str(limits.timeout_s),
        ]  # fmt: skip
        # Its own process group: replacing the server also ends a child it may have running.
        self.process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True
        )

    def read(self, path: Path, kind: str) -> ExtractionResult:
        request = {
            "path": str(path.resolve()),
            "kind": kind,
            "answer": str(self.answer),
            "errors": str(self.errors),
        }
        stdin, stdout = self._pipes()
        try:
            stdin.write(json.dumps(request).encode() + b"\n")
            stdin.flush()
        except OSError as error:
            raise ExtractionServerError("the extraction server is gone") from error
        answer = self._answer(stdout)
        if answer.get("timeout"):
            return result_of("timeout")
        completed = subprocess.CompletedProcess(
            [str(_SERVER)], answer["returncode"], self._read(self.answer), self._errors()
        )
        return interpret(completed, self.limits.max_chars)

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self.process.stdin is None or self.process.stdout is None:
            raise ExtractionServerError("the extraction server has no pipes")
        return self.process.stdin, self.process.stdout

    def _answer(self, stdout: IO[bytes]) -> dict[str, int]:
        ready, _, _ = select.select([stdout], [], [], self.limits.timeout_s + GRACE_S)
        line = stdout.readline() if ready else b""
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not all(
            isinstance(answer.get(key, 0), int) for key in ("timeout", "returncode")
        ):
            raise ExtractionServerError("the extraction server stopped answering")
        if "timeout" not in answer and "returncode" not in answer:
            raise ExtractionServerError("the extraction server stopped answering")
        return answer

    @staticmethod
    def _read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return b""

    def _errors(self) -> bytes:
        try:
            with self.errors.open("rb") as handle:
                handle.seek(max(0, self.errors.stat().st_size - 2000))
                return handle.read()
        except FileNotFoundError:
            return b""

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class ExtractionPool:
    """Up to `processes` servers, started on first use; use it as a context manager."""

    def __init__(self, processes: int = PROCESSES, limits: Limits | None = None) -> None:
        self.size = max(1, processes)
        self.limits = limits or Limits()
        self._folder: Path | None = None
        self._idle: queue.SimpleQueue[_Server] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        self._servers: list[_Server] = []

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def read(self, path: Path, kind: str) -> ExtractionResult:
        """Read one file's text (see extract_text); blocks while every server is busy."""
        if kind not in KINDS:
            raise ValueError(f"unknown file kind: {kind!r}")
        server = self._take()
        try:
            result = server.read(path, kind)
        except BaseException:
            self._replace(server)
            raise
        self._idle.put(server)
        return result

    def read_all(
        self, files: Sequence[tuple[Path, str]]
    ) -> list[ExtractionResult | ExtractionServerError]:
        """Every file read, `size` at a time; a file whose server failed gets the error instead."""

        def one(item: tuple[Path, str]) -> ExtractionResult | ExtractionServerError:
            try:
                return self.read(*item)
            except ExtractionServerError as error:
                return error

        if len(files) < 2 or self.size < 2:
            return [one(item) for item in files]
        with ThreadPoolExecutor(max_workers=min(self.size, len(files))) as threads:
            return list(threads.map(one, files))

    def _take(self) -> _Server:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._servers) < self.size:
                server = _Server(next(self._numbers), self._workspace(), self.limits)
                self._servers.append(server)
                return server
        return self._idle.get()

    def _replace(self, server: _Server) -> None:
        log.warning("an extraction server stopped answering; it is replaced")
        server.kill()
        with self._lock:
            self._servers.remove(server)

    def _workspace(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="portal-extraction-"))
        return self._folder

    def close(self) -> None:
        """Stop every server and remove their answer files."""
        with self._lock:
            servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        self._idle = queue.SimpleQueue()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
