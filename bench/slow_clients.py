"""Health-check latency while N slow clients trickle headers: `portal serve` (waitress) beside the
threaded gunicorn that `make run` used before (2 workers x 4 threads), the reference.

Each slow client opens a connection, sends a request line and then one header line a second,
never finishing its headers (a slowloris). Meanwhile one well-behaved client asks for
/api/v1/health ten times; the script prints the median and worst latency and how many of the ten
timed out (10 s) for each server and each number of slow clients.

    .venv/bin/python bench/slow_clients.py --clients 0 10 24 60
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _health(port: int) -> float | None:
    began = time.monotonic()
    try:
        with urllib.request.urlopen(  # noqa: S310 - loopback
            f"http://127.0.0.1:{port}/api/v1/health", timeout=TIMEOUT
        ) as response:
            response.read()
    except OSError:
        return None
    return time.monotonic() - began


def _wait_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _health(port) is not None:
            return
        time.sleep(0.2)
    raise SystemExit(f"server on {port} did not start")


def measure(port: int, clients: int, checks: int) -> tuple[float | None, float | None, int]:
    stop = threading.Event()
    sockets = []
    for _ in range(clients):
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(slow)

    def trickle() -> None:
        while not stop.wait(1.0):
            for slow in sockets:
                try:
                    slow.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass

    thread = threading.Thread(target=trickle)
    thread.start()
    try:
        time.sleep(2)
        times = [_health(port) for _ in range(checks)]
    finally:
        stop.set()
        thread.join()
        for slow in sockets:
            slow.close()
    answered = [t for t in times if t is not None]
    median = statistics.median(answered) if answered else None
    worst = max(answered) if answered else None
    return median, worst, len(times) - len(answered)


def _start(kind: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    bin_dir = Path(sys.executable).parent
    if kind == "portal serve":
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "portal", "serve"]
        command += ["--port", str(port), "--no-worker"]
    else:
        command = [str(bin_dir / "gunicorn"), "--workers", "2", "--threads", "4"]
        command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[0, 10, 24, 60])
    parser.add_argument("--checks", type=int, default=10)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-slow-"))
    env = dict(
        os.environ,
        PORTAL_INSTANCE=str(workdir),
        SECRET_KEY="bench",  # noqa: S106 - a throw-away benchmark instance
        RATELIMIT_ENABLED="false",
        PORTAL_LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    print(f"{'server':<14} {'slow clients':>12} {'median':>8} {'worst':>8} {'timeouts':>9}")
    for kind in ("portal serve", "gunicorn"):
        port = _free_port()
        server = _start(kind, port, env)
        try:
            _wait_up(port)
            for clients in args.clients:
                median, worst, timeouts = measure(port, clients, args.checks)
                shown = [f"{v * 1000:.0f} ms" if v is not None else "-" for v in (median, worst)]
                print(
                    f"{kind:<14} {clients:>12} {shown[0]:>8} {shown[1]:>8} "
                    f"{timeouts:>5}/{args.checks}",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
