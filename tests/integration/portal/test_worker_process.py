"""`flask portal worker` as it runs in production: it delivers what is queued, stops cleanly on
SIGTERM, and its log names no recipient and quotes no message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from portal import background, mail, schedule
from portal.db import database
from tests.outbox_helpers import ScriptedSmtp, scripted_smtp

REPO = Path(__file__).resolve().parents[3]
ADDRESS = "ana.perez@example.org"


def _queue(app) -> None:
    with app.app_context(), database(app).transaction() as session:
        mail.queue(session, "password_reset", ADDRESS, "en", link="https://portal/reset/secret")


def _wait_for(condition, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_command_delivers_and_stops_on_sigterm_logging_no_address(app) -> None:
    with scripted_smtp(app, ScriptedSmtp()) as server:
        env = {
            **os.environ,
            "DATABASE_URL": app.config["DATABASE_URL"],
            "PORTAL_DATA_DIR": app.config["PORTAL_DATA_DIR"],
            "PORTAL_INSTANCE": app.instance_path,
            "SECRET_KEY": "worker-test",
            "SMTP_URL": app.config["SMTP_URL"],
        }
        command = ["flask", "--app", "wsgi", "portal", "worker", "--interval", "0.2"]
        child = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            _queue(app)
            assert _wait_for(lambda: len(server.messages) == 1)
        finally:
            child.send_signal(signal.SIGTERM)
            _out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err.decode()
    log = err.decode()
    assert "worker stopped" in log and "1 sent" in log
    assert ADDRESS not in log and "secret" not in log
    assert [message["To"] for message in server.messages] == [ADDRESS]


def test_worker_once_prints_what_it_did(app, runner) -> None:
    _queue(app)
    with scripted_smtp(app, ScriptedSmtp()):
        result = runner.invoke(args=["portal", "worker", "--once"])
    assert (result.exit_code, result.stdout.splitlines()[0]) == (0, "1 sent, 0 deferred, 0 failed")
    # The other tasks ran too: the scheduler started its first occurrence of each job.
    assert f"schedule: {len(schedule.registered_jobs(app))}" in result.stdout.splitlines()
    again = runner.invoke(args=["portal", "worker", "--once"])
    assert again.stdout.splitlines()[:2] == ["0 sent, 0 deferred, 0 failed", "schedule: 0"]


def test_the_worker_loop_keeps_delivering_until_stopped(app) -> None:
    stop = threading.Event()
    with scripted_smtp(app, ScriptedSmtp()) as server:
        loop = threading.Thread(target=background.run, args=(app, stop), kwargs={"interval": 0.05})
        loop.start()
        try:
            _queue(app)
            assert _wait_for(lambda: len(server.messages) == 1)
            _queue(app)
            assert _wait_for(lambda: len(server.messages) == 2)
        finally:
            stop.set()
            loop.join(timeout=10)
    assert not loop.is_alive()
