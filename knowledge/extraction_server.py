"""Subprocess serving many text reads, each in a forked child under extraction_worker's limits.

Started by knowledge.extraction_pool in isolated mode (`python -I -B extraction_server.py ...`),
it loads extraction_worker.py from its own folder (standard library and parsers only, never the
portal package) and imports every parser once. Then, for each request (one JSON line on stdin:
path, kind, and the answer and errors files to write), it forks a child that limits itself as a
one-off worker does (address space and CPU time, `limited_extract`), reads the file and writes
its answer; the server kills a child still running at the wall-clock timeout. It answers one JSON
line per request: the child's exit code (minus the signal that ended it), or that it timed out.
A fork skips the interpreter start and the parser imports that make most of a small file's read.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import select
import signal
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

_WORKER = Path(__file__).resolve().with_name("extraction_worker.py")


def load_worker() -> ModuleType:
    """extraction_worker.py, from this file's folder (isolated mode leaves it off sys.path)."""
    spec = importlib.util.spec_from_file_location("extraction_worker", _WORKER)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {_WORKER}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _child(worker: ModuleType, request: dict[str, Any], args: argparse.Namespace) -> None:
    """Runs in the forked child: never returns."""
    code = 1
    try:
        errors = os.open(request["errors"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(errors, 1)
        os.dup2(errors, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        with os.fdopen(os.open(request["answer"], flags, 0o600), "w", encoding="ascii") as out:
            worker.limited_extract(
                Path(request["path"]),
                request["kind"],
                max_chars=args.max_chars,
                memory_mb=args.memory_mb,
                cpu_seconds=args.cpu_seconds,
                output=out,
            )
        code = 0
    except BaseException:  # noqa: BLE001 - the exit code tells the server
        traceback.print_exc()
    finally:
        os._exit(code)


def _wait(pid: int, timeout: float) -> int | None:
    """The child's exit code (minus a signal), or None when it was killed at the timeout."""
    deadline = time.monotonic() + timeout
    if hasattr(os, "pidfd_open"):
        handle = os.pidfd_open(pid)
        try:
            ready, _, _ = select.select([handle], [], [], timeout)
        finally:
            os.close(handle)
        if ready:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    else:
        pause = 0.001
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def serve(worker: ModuleType, request: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Read one file in a forked child; the answer line's content."""
    if request.get("kind") not in worker.READERS:
        return {"returncode": 2}
    Path(request["answer"]).unlink(missing_ok=True)
    pid = os.fork()
    if pid == 0:
        _child(worker, request, args)
    returncode = _wait(pid, args.timeout)
    return {"timeout": True} if returncode is None else {"returncode": returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-chars", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    parser.add_argument("--timeout", type=float, required=True)
    args = parser.parse_args(argv)
    worker = load_worker()
    worker.prepare(sorted(worker.PARSER_MODULES))
    for line in sys.stdin.buffer:
        answer = serve(worker, json.loads(line), args)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
