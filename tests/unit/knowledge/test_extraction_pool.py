"""The extraction pool: the one-off read's results and limits, a slow or huge file costing only its
own status, and a server that dies replaced without holding up the other files."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from knowledge.demo import minimal_pdf
from knowledge.extraction import NOTES, ExtractionResult, extract_text
from knowledge.extraction_pool import ExtractionPool, ExtractionServerError, Limits
from tests.unit.knowledge import builders


def write(tmp_path: Path, data: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def good_files(tmp_path: Path) -> list[tuple[Path, str]]:
    files = [
        (write(tmp_path, minimal_pdf(f"Report {n}", [f"Mangroves {n}."]), f"r{n}.pdf"), "pdf")
        for n in range(4)
    ]
    files.append((write(tmp_path, builders.docx_bytes(["Coral reefs"], [["a", "b"]]), "a.docx"),
                  "docx"))  # fmt: skip
    files.append((write(tmp_path, "Volontaires à Quito".encode(), "notes.txt"), "txt"))
    return files


def test_the_pool_reads_what_a_one_off_read_reads(good_files: list[tuple[Path, str]]) -> None:
    with ExtractionPool(2) as pool:
        results = pool.read_all(good_files)

    assert results == [extract_text(path, kind) for path, kind in good_files]
    assert results[0].status == "ok" and "Mangroves 0." in results[0].text
    assert results[-1] == ExtractionResult("ok", "Volontaires à Quito", "")


def test_a_file_over_the_time_limit_times_out_while_the_others_are_read(
    tmp_path: Path, good_files: list[tuple[Path, str]]
) -> None:
    slow = (write(tmp_path, builders.slow_pdf(), "slow.pdf"), "pdf")
    started = time.monotonic()

    with ExtractionPool(2, Limits(timeout_s=1.0)) as pool:
        results = pool.read_all([slow, *good_files, slow])

    assert results[0] == results[-1] == ExtractionResult("timeout", "", NOTES["timeout"])
    assert [result.status for result in results[1:-1]] == ["ok"] * len(good_files)
    assert time.monotonic() - started < 15


def test_a_file_over_the_memory_limit_is_too_large_and_the_server_reads_on(
    docx_bomb: Path, good_files: list[tuple[Path, str]]
) -> None:
    with ExtractionPool(1, Limits(memory_mb=192)) as pool:
        results = pool.read_all([(docx_bomb, "docx"), *good_files])

    assert results[0] == ExtractionResult("too_large", "", NOTES["too_large"])
    assert [result.status for result in results[1:]] == ["ok"] * len(good_files)


def hanging_file(tmp_path: Path) -> tuple[Path, str]:
    """A named pipe that nobody writes: opening it blocks for ever, using no CPU time."""
    path = tmp_path / "hangs.txt"
    os.mkfifo(path)
    return path, "txt"


def test_a_hanging_child_is_killed_at_the_wall_clock_timeout(
    tmp_path: Path, good_files: list[tuple[Path, str]]
) -> None:
    started = time.monotonic()

    with ExtractionPool(2, Limits(timeout_s=1.0)) as pool:
        results = pool.read_all([hanging_file(tmp_path), *good_files])

    assert results[0] == ExtractionResult("timeout", "", NOTES["timeout"])
    assert [result.status for result in results[1:]] == ["ok"] * len(good_files)
    assert time.monotonic() - started < 15


def test_a_killed_server_fails_its_file_only_and_is_replaced(
    tmp_path: Path, good_files: list[tuple[Path, str]]
) -> None:
    slow = hanging_file(tmp_path)
    pool = ExtractionPool(1, Limits(timeout_s=30.0))

    def kill_the_server() -> None:
        time.sleep(1.0)
        [server] = pool._servers
        os.killpg(server.process.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_server)
    with pool:
        pool.read_all(good_files[:1])  # the server is running
        killer.start()
        results = pool.read_all([slow, *good_files])
        killer.join()

    assert isinstance(results[0], ExtractionServerError)
    assert [result.status for result in results[1:]] == ["ok"] * len(good_files)  # type: ignore[union-attr]


def test_every_server_stops_with_the_pool(good_files: list[tuple[Path, str]]) -> None:
    with ExtractionPool(2) as pool:
        pool.read_all(good_files)
        processes = [server.process for server in pool._servers]
        folder = pool._folder

    assert len(processes) == 2
    assert all(process.poll() is not None for process in processes)
    assert folder is not None and not folder.exists()


def test_unknown_kind_is_a_programming_error(tmp_path: Path) -> None:
    with ExtractionPool(1) as pool, pytest.raises(ValueError, match="unknown file kind"):
        pool.read(write(tmp_path, b"x", "a.exe"), "exe")
