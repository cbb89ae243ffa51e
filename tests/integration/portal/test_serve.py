"""`portal serve` as it runs in production: waitress with the worker beside it. Slow clients do not
starve it, a killed worker comes back, tokens never reach the access log, SIGTERM stops both."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app, mail
from portal.db import create_schema, database
from portal.models import WorkerHeartbeat
from tests.outbox_helpers import ScriptedSmtp, scripted_smtp

REPO = Path(__file__).resolve().parents[3]
ADDRESS = "ana.perez@example.org"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    app: object
    smtp: ScriptedSmtp
    log: Path

    def get(self, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def health(self) -> dict:
        return json.loads(self.get("/api/v1/health")[1])

    def worker_pid(self) -> int | None:
        with database(self.app).transaction() as session:
            return session.scalar(select(WorkerHeartbeat.pid))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    instance = tmp_path / "instance"
    config = {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "PORTAL_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "serve-test",
    }
    app = create_app({**config, "TESTING": True})
    create_schema(app)
    with scripted_smtp(app, ScriptedSmtp()) as smtp:
        port = _free_port()
        env = {
            **os.environ,
            "PORTAL_INSTANCE": str(instance),
            "DATABASE_URL": config["DATABASE_URL"],
            "PORTAL_DATA_DIR": config["PORTAL_DATA_DIR"],
            "SECRET_KEY": "serve-test",
            "SMTP_URL": app.config["SMTP_URL"],
            "PORTAL_LOG_FORMAT": "text",
            "RATELIMIT_ENABLED": "false",
        }
        log = tmp_path / "serve.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "portal", "serve"]
                + ["--port", str(port), "--threads", "4", "--worker-interval", "0.3"],
                cwd=REPO,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Served(f"http://127.0.0.1:{port}", process, app, smtp, log)
        try:
            assert _wait_for(lambda: _answers(server)), log.read_text()
            yield server
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _answers(server: Served) -> bool:
    try:
        return server.get("/api/v1/health", timeout=1)[0] == 200
    except OSError:
        return False


def _queue(app) -> None:
    with app.app_context(), database(app).transaction() as session:
        mail.queue(session, "password_reset", ADDRESS, "en", link="https://portal/reset/secret")


def test_serve_runs_the_worker_which_delivers_mail_and_beats(served: Served) -> None:
    assert _wait_for(lambda: served.health()["worker"]["status"] == "ok")
    _queue(served.app)
    assert _wait_for(lambda: len(served.smtp.messages) == 1)
    assert served.smtp.messages[0]["To"] == ADDRESS


def test_a_killed_worker_is_restarted_and_work_goes_on(served: Served) -> None:
    assert _wait_for(lambda: served.worker_pid() is not None)
    first = served.worker_pid()
    os.kill(first, signal.SIGKILL)
    assert _wait_for(lambda: served.worker_pid() not in (None, first), seconds=30)
    _queue(served.app)
    assert _wait_for(lambda: len(served.smtp.messages) == 1)
    assert "worker exited with code -9" in served.log.read_text()


def test_sixty_slow_clients_do_not_stop_health_answering(served: Served) -> None:
    host, port = served.url.removeprefix("http://").split(":")
    stop = threading.Event()
    sockets = []
    for _ in range(60):
        slow = socket.create_connection((host, int(port)))
        slow.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(slow)

    def trickle() -> None:  # one more header line a second, never the end of the headers
        while not stop.wait(1.0):
            for slow in sockets:
                slow.sendall(b"X-Slow: 1\r\n")

    dripping = threading.Thread(target=trickle)
    dripping.start()
    try:
        time.sleep(1.5)
        answers = []
        for _ in range(5):
            began = time.monotonic()
            status, _ = served.get("/api/v1/health", timeout=10)
            answers.append((status, time.monotonic() - began))
    finally:
        stop.set()
        dripping.join()
        for slow in sockets:
            slow.close()
    assert [status for status, _ in answers] == [200] * 5
    # Generous: a threaded server without buffering never answered within 10 s here.
    assert max(seconds for _, seconds in answers) < 5, answers


def test_the_access_log_masks_tokens_and_leaves_out_query_strings(served: Served) -> None:
    served.get("/s/Secr3tT0kenValue_abcdefghijklmnopqrstuvwxyz012")
    served.get(f"/password/forgot?email={ADDRESS}")
    assert _wait_for(lambda: "/password/forgot" in served.log.read_text())
    log = served.log.read_text()
    assert "GET /s/[token] " in log
    assert "Secr3tT0ken" not in log and ADDRESS not in log


def test_sigterm_stops_the_server_and_its_worker(served: Served) -> None:
    assert _wait_for(lambda: served.worker_pid() is not None)
    worker = served.worker_pid()
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=30) == 0
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(worker, 0)
            time.sleep(0.1)


def test_a_worker_whose_server_was_killed_stops_instead_of_running_on(served: Served) -> None:
    assert _wait_for(lambda: served.worker_pid() is not None)
    worker = served.worker_pid()
    served.process.send_signal(signal.SIGKILL)
    served.process.wait(timeout=10)

    def gone() -> bool:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return True
        return False

    assert _wait_for(gone, seconds=20)
