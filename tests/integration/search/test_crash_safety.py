"""A `flask knowledge index` killed with SIGKILL mid-run loses nothing: the next run applies it.

The first test makes the indexer stop where it must be killed by holding the index's writer lock
it waits for (the indexer has read the outbox and built the documents, nothing written); the
second kills it between the index's commit and the saving of its new position.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from knowledge.search.engine import SearchIndex
from knowledge.search.engine.index import LOCK_FILE
from knowledge.search.indexer import TURN_FILE
from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import pending_rows, run_indexer

REPO = Path(__file__).resolve().parents[3]
TITLE = "Mangrove restoration by coastal volunteers"


def _env(app: Flask) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "PORTAL_DATA_DIR": app.config["PORTAL_DATA_DIR"],
        "PORTAL_INSTANCE": app.instance_path,
        "SECRET_KEY": "crash-test",
    }


def _start_indexer(app: Flask) -> subprocess.Popen[bytes]:
    """`flask --app wsgi knowledge index` on the test's database and data folder."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "knowledge", "index"],
        cwd=REPO,
        env=_env(app),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@contextmanager
def _engine_lock(index: SearchIndex) -> Iterator[None]:
    descriptor = os.open(index.base_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(descriptor)


def _wait_for_turn(child: subprocess.Popen[bytes], index: SearchIndex) -> None:
    """Until the child holds the indexer's turn (seen in /proc/locks), then a little longer for it
    to read the outbox and reach the index's writer lock."""
    inode = os.stat(index.base_dir / TURN_FILE).st_ino
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert child.poll() is None, child.communicate()
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            if "->" not in fields and str(child.pid) in fields[4:6] and f":{inode}" in line:
                time.sleep(1.5)
                return
        time.sleep(0.05)
    raise AssertionError("the indexer never took its turn")


def _kill(child: subprocess.Popen[bytes]) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL


def _found(index: SearchIndex) -> list[str]:
    return [hit.title for hit in SearchIndex(index.base_dir).search("mangrove").hits]


def test_indexer_killed_after_reading_the_outbox_loses_nothing(
    app, session, people, index, search
) -> None:
    make_product(session, people.ministry, title=TITLE)
    session.commit()

    with _engine_lock(index):
        child = _start_indexer(app)
        _wait_for_turn(child, index)
        _kill(child)

    assert _found(index) == []
    assert pending_rows(session, app) == 1
    run_indexer(app)
    assert [result["title"] for result in search(q="mangrove")["results"]] == [TITLE]
    assert pending_rows(session, app) == 0


KILLED_AFTER_THE_COMMIT = """
import os, signal
from knowledge.search import indexer
from knowledge.search.current import search_index
from knowledge.search.engine import SearchIndex
from portal.db import database
from wsgi import app

def killed(*_args, **_kwargs):  # the index is committed, its new position not saved yet
    os.kill(os.getpid(), signal.SIGKILL)

SearchIndex._write_state = killed
indexer.apply_pending(database(app), search_index(app))
"""


def test_indexer_killed_after_writing_the_index_applies_the_rows_again_harmlessly(
    app, session, people, index, search
) -> None:
    make_product(session, people.ministry, title=TITLE)
    session.commit()
    before = index.state()

    child = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_THE_COMMIT],
        cwd=REPO,
        env=_env(app),
        capture_output=True,
        timeout=60,
    )

    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert _found(index) == [TITLE]  # written to the index ...
    assert index.state() == before  # ... but the position did not move
    assert pending_rows(session, app) == 1
    run = run_indexer(app)
    assert (run.rows, run.upserts) == (1, 1)
    assert pending_rows(session, app) == 0
    assert index.doc_count() == 1
    assert [result["title"] for result in search(q="mangrove")["results"]] == [TITLE]
