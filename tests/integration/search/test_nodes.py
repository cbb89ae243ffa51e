"""Real `portal serve` nodes on one database, each with its own index and worker: a change made
anywhere is found on every node; a worker or an import killed with SIGKILL mid-work, or a
truncated index segment, leaves the index converging again with no command typed."""

from __future__ import annotations

import csv
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.imports import COLUMNS
from knowledge.models import KnowledgeProduct
from knowledge.search import indexer
from knowledge.search.engine import SearchIndex
from knowledge.search.engine.index import LOCK_FILE
from knowledge.search.indexer import TURN_FILE
from portal.db import database
from portal.models import WorkerHeartbeat
from tests.integration.knowledge.conftest import make_product

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
#: Seconds a node has to show a change (the worker rests 5 s between idle rounds).
CONVERGE = 60.0


@dataclass
class Node:
    name: str
    url: str
    search_dir: Path
    process: subprocess.Popen[bytes]

    def get(self, path: str, **params: Any) -> tuple[int, str]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=10) as answer:  # noqa: S310
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def total(self, text: str) -> int | None:
        """Products the node's search API finds (``None`` while search is unavailable)."""
        status, body = self.get("/api/v1/knowledge/search", q=text)
        return json.loads(body)["total"] if status == 200 else None

    def search_health(self) -> dict[str, Any]:
        body = json.loads(self.get("/api/v1/health")[1])
        assert isinstance(body.get("search"), dict), body
        search: dict[str, Any] = body["search"]
        return search


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(condition: Callable[[], bool], seconds: float = CONVERGE) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _env(app: Flask, tmp_path: Path, name: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "PORTAL_DATA_DIR": str(tmp_path / "shared-data"),  # uploaded files: shared by the nodes
        "PORTAL_SEARCH_DIR": str(tmp_path / f"{name}-search"),  # the index: one per node
        "PORTAL_INSTANCE": str(tmp_path / f"{name}-instance"),
        "PORTAL_NODE": name,
        "SECRET_KEY": "two-nodes-test",
        "SMTP_URL": "",
    }


@pytest.fixture
def nodes(app: Flask, tmp_path: Path) -> Iterator[Callable[[str], Node]]:
    """nodes(name) starts `flask --app wsgi portal serve` (web + worker) as that node."""
    started: list[Node] = []
    logs: list[Any] = []

    def start(name: str) -> Node:
        port = _free_port()
        log = (tmp_path / f"{name}.log").open("wb")
        logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "portal", "serve"]
            + ["--host", "127.0.0.1", "--port", str(port), "--threads", "4"],
            cwd=REPO,
            env=_env(app, tmp_path, name),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        node = Node(name, f"http://127.0.0.1:{port}", tmp_path / f"{name}-search", process)
        started.append(node)
        assert _wait_for(lambda: _answers(node)), (tmp_path / f"{name}.log").read_text()
        return node

    yield start
    for node in started:
        node.process.send_signal(signal.SIGTERM)
        try:
            node.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            node.process.kill()
            node.process.wait()
    for log in logs:
        log.close()


def _answers(node: Node) -> bool:
    assert node.process.poll() is None, "the node stopped"
    try:
        return node.get("/api/v1/health")[0] in (200, 503)
    except OSError:
        return False


def _ready(node: Node) -> bool:
    """The node's worker has built its (empty) index."""
    return node.search_health()["documents"] is not None


@contextmanager
def _held(path: Path) -> Iterator[None]:
    """Hold the exclusive lock a search writer waits for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(descriptor)


def _holds(pid: int, path: Path) -> bool:
    """Whether process ``pid`` holds a lock on ``path`` (from /proc/locks)."""
    inode = f":{os.stat(path).st_ino}" if path.exists() else None
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if inode and "->" not in fields and str(pid) in fields[4:6] and inode in line:
            return True
    return False


def _writing(app: Flask) -> AbstractContextManager[Session]:
    """A transaction that takes the write lock at its start, as the portal's own do: the nodes
    write all along (heartbeats, index positions), and on SQLite a transaction that first reads
    (a product's creation reads the default licence) cannot then write once another has committed
    in between ("database is locked"), whereas one that begins by locking waits its turn."""
    return database(app).transaction()


def _worker_pid(session: Session, node: str) -> int | None:
    session.rollback()
    beat = session.get(WorkerHeartbeat, node)
    return None if beat is None else beat.pid


def test_a_product_published_on_one_node_is_found_on_the_other(app, session, people, nodes) -> None:
    first, second = nodes("node-a"), nodes("node-b")
    assert _wait_for(lambda: _ready(first) and _ready(second))

    with _writing(app) as writer:
        make_product(writer, people.ministry, title="Quokka census on Rottnest")

    assert _wait_for(lambda: second.total("quokka") == 1)
    assert _wait_for(lambda: first.total("quokka") == 1)
    health = second.search_health()
    assert (health["status"], health["documents"], health["pending"]) == ("ok", 1, 0)


def _import_file(tmp_path: Path, organisation: str, count: int) -> Path:
    path = tmp_path / "catalogue.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for number in range(count):
            writer.writerow(
                {
                    **dict.fromkeys(COLUMNS, ""),
                    "title": f"Numbat sighting {number}",
                    "product_type": "report",
                    "language": "en",
                    "publication_date": "2024-01-01",
                    "organisation": organisation,
                }
            )
    return path


def test_after_a_killed_worker_and_a_killed_import_the_index_converges_unaided(
    app, session, people, nodes, tmp_path
) -> None:
    node = nodes("node-b")
    # Its heartbeat (with its pid) is written when the worker's first round ends: before the
    # backlog below, whose round the held lock keeps from ending.
    assert _wait_for(lambda: _ready(node) and _worker_pid(session, "node-b") is not None)
    pid = _worker_pid(session, "node-b")
    assert pid is not None
    with _writing(app) as writer:
        for number in range(120):
            make_product(writer, people.ministry, title=f"Wombat burrow {number}")

    # The worker reads the backlog, builds its documents, then waits for the index: killed there.
    with _held(node.search_dir / LOCK_FILE):
        assert _wait_for(lambda: _holds(pid, node.search_dir / TURN_FILE), 30)
        os.kill(pid, signal.SIGKILL)
    assert node.total("wombat") == 0

    # An import run from an operator's shell commits, then is killed while it indexes.
    operator = SearchIndex(tmp_path / "operator-search")
    indexer.apply_pending(database(app), operator)
    env = {**_env(app, tmp_path, "operator"), "PORTAL_SEARCH_DIR": str(operator.base_dir)}
    source = _import_file(tmp_path, people.ministry.code, 80)
    with _held(operator.base_dir / LOCK_FILE):
        child = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "knowledge", "import", str(source)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # The import commits its rows, then updates its index once at the end: it is killed in
        # that turn when it reaches it, else it has left the update to the outbox.
        indexing = _wait_for(
            lambda: _holds(child.pid, operator.base_dir / TURN_FILE) or child.poll() is not None, 60
        )
        assert indexing
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
    session.rollback()
    imported = select(func.count()).where(KnowledgeProduct.title.like("Numbat%"))
    assert session.scalar(imported) == 80  # committed before the kill

    assert _wait_for(lambda: node.total("wombat") == 120 and node.total("numbat") == 80)
    # The position is saved just after the index's commit: health may lag it by a moment.
    assert _wait_for(lambda: node.search_health()["pending"] == 0, 10)
    health = node.search_health()
    assert (health["status"], health["documents"], health["pending"]) == ("ok", 200, 0)
    # The supervisor restarted the worker; its heartbeat is written when its first round ends.
    assert _wait_for(lambda: _worker_pid(session, "node-b") not in (None, pid), 30)


def test_a_truncated_segment_is_served_as_unavailable_and_rebuilt_by_the_worker(
    app, session, people, nodes
) -> None:
    node = nodes("node-a")
    with _writing(app) as writer:
        make_product(writer, people.ministry, title="Pangolin scales trade")
    assert _wait_for(lambda: node.total("pangolin") == 1)
    for _ in range(8):  # every server thread now holds an open reader
        assert node.total("pangolin") == 1
    index = SearchIndex(node.search_dir)
    damaged = index.current_generation()
    assert damaged is not None
    (segment,) = (node.search_dir / damaged).glob("*.seg")

    with _held(node.search_dir / TURN_FILE):  # the worker cannot rebuild yet
        # Emptied, not halved: an open reader whose words lie in the intact part of a halved
        # file still answers them correctly. Words read before are answered from postings the
        # readers keep in memory; a word never read yet must come from the damaged file.
        os.truncate(segment, 0)
        answers = [node.get("/api/v1/knowledge/search", q="trade") for _ in range(8)]
        page = node.get("/knowledge/", q="scales")
        health = node.search_health()

    assert node.process.poll() is None  # no SIGBUS: the server lives
    # Each answer is "unavailable" or the right one: a reader whose file buffer already holds
    # what a word needs (small segments fit in a few reads) answers it correctly; none is wrong.
    for status, body in answers:
        if status == 200:
            found = json.loads(body)
            assert (found["total"], found["results"][0]["title"]) == (1, "Pangolin scales trade")
        else:
            assert status == 503 and "temporarily unavailable" in json.loads(body)["error"]
    assert page[0] in (200, 503)
    expected = "Pangolin scales" if page[0] == 200 else "Search is temporarily unavailable"
    assert expected in page[1]
    assert (health["status"], health["documents"]) == ("unavailable", None)
    # Awaited by its generation: "pangolin" was read before the damage, so a reader may answer
    # it from postings in memory before the worker has rebuilt anything.
    assert _wait_for(lambda: index.current_generation() != damaged)  # the worker rebuilt it
    assert _wait_for(lambda: node.search_health()["status"] == "ok")
    assert node.total("pangolin") == 1 and node.total("trade") == 1
