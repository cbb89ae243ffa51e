"""`portal serve`: the production web server (waitress) with the worker beside it, as one command.

Waitress reads each request completely (headers and body, spilling large bodies to disk) in one
event loop before a thread runs the app, so slow or idle clients hold a socket, never a thread:
they cannot starve the portal of workers as they did a threaded server facing the internet. The
worker (mail, search updates, text extraction, scheduled jobs) runs as a child process that is
restarted if it dies, with a growing pause so that a worker failing at start does not spin.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from flask import Flask

from portal.background import PARENT_ENV
from portal.logs import REQUEST_ID_HEADER

log = logging.getLogger(__name__)
access_log = logging.getLogger("portal.access")

#: Connections waitress keeps open at once (idle and slow ones included); more wait in the backlog.
CONNECTION_LIMIT = 500
#: Seconds of silence after which waitress closes a connection.
CHANNEL_TIMEOUT = 60
#: Pauses between restarts of a worker that keeps dying: 1 s, 2 s, 4 s ... at most a minute.
RESTART_PAUSES = (1.0, 60.0)
#: A worker that ran this long before dying is restarted after the shortest pause again.
STABLE_SECONDS = 60.0


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    threads: int
    worker_command: list[str] | None  # None: no worker here (it runs as its own service)


class WorkerSupervisor:
    """Runs the worker command as a child process and restarts it whenever it exits."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.stopping = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._thread = threading.Thread(target=self._supervise, name="worker-supervisor")

    def start(self) -> None:
        self._thread.start()

    def _supervise(self) -> None:
        pause = RESTART_PAUSES[0]
        while not self.stopping.is_set():
            started = time.monotonic()
            # Its own session: a Ctrl-C in the terminal reaches the server, which then stops the
            # worker in order; the worker leaves by itself if the server dies (PARENT_ENV).
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.command,
                env={**os.environ, PARENT_ENV: str(os.getpid())},
                start_new_session=True,
            )
            code = self.process.wait()
            if self.stopping.is_set():
                return
            if time.monotonic() - started >= STABLE_SECONDS:
                pause = RESTART_PAUSES[0]
            log.error("worker exited with code %s; restarting in %.0f s", code, pause)
            self.restarts += 1
            self.stopping.wait(pause)
            pause = min(pause * 2, RESTART_PAUSES[1])

    def stop(self, timeout: float = 20.0) -> None:
        """Ask the worker to finish its round (SIGTERM), then kill it if it does not."""
        self.stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._thread.join(timeout)


def with_access_log(app: Flask) -> Callable[..., Iterable[bytes]]:
    """The app, logging one line per request: method, path (tokens masked by the log filter;
    the query string, which may hold addresses, left out), status and time."""
    wsgi_app = app.wsgi_app

    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        began = time.perf_counter()
        status: list[str] = []

        def start(code: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            status.append(code.split(" ", 1)[0])
            request_ids = [value for name, value in headers if name == REQUEST_ID_HEADER]
            environ["portal.access.request_id"] = request_ids[0] if request_ids else "-"
            return start_response(code, headers, *args)

        try:
            return wsgi_app(environ, start)
        finally:
            access_log.info(
                "%s %s %s %.0fms",
                environ.get("REQUEST_METHOD", "-"),
                environ.get("PATH_INFO", "-"),
                status[0] if status else "-",
                (time.perf_counter() - began) * 1000,
                extra={"request_id": environ.get("portal.access.request_id", "-")},
            )

    return logged


def serve(app: Flask, options: ServeOptions) -> None:
    """Serve until SIGTERM or SIGINT; then stop taking requests and stop the worker."""
    from waitress.server import create_server

    body_limit = int(app.config["PORTAL_MAX_UPLOAD_MB"]) * 1024**2 + 1024**2
    server = create_server(
        with_access_log(app),
        host=options.host,
        port=options.port,
        threads=options.threads,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=CHANNEL_TIMEOUT,
        max_request_body_size=body_limit,
        asyncore_use_poll=True,  # select() stops at 1024 descriptors
        ident="UNV Results Portal",
    )
    supervisor = WorkerSupervisor(options.worker_command) if options.worker_command else None

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    if supervisor:
        supervisor.start()
    log.info(
        "serving on http://%s:%s (%s threads%s)",
        options.host,
        options.port,
        options.threads,
        ", with the worker" if supervisor else "",
    )
    try:
        server.run()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        server.close()
        if supervisor:
            supervisor.stop()


def worker_command(app_import_path: str | None, interval: float) -> list[str]:
    """The command line of this app's worker: the same interpreter and the same app."""
    return [
        sys.executable,
        "-m",
        "flask",
        "--app",
        app_import_path or "portal:create_app",
        "portal",
        "worker",
        "--interval",
        str(interval),
    ]
