"""Completed survey submissions per second under concurrent load, against gunicorn, beside a bare
Flask endpoint on the same server.

Each simulated volunteer opens their link, loads the last page (for its form token) and sends the
final page, which stores the response, then reads the confirmation, following redirects as a
browser does; every page before it was saved beforehand. The bare endpoint and the submissions
alternate for a few rounds (each round's ratio, then their median), after a warm-up pass that
is not counted. Run:

    .venv/bin/python bench/submissions.py --backend sqlite --submissions 600
    .venv/bin/python bench/submissions.py --backend sqlite --submissions 600 --server serve \
        --threads 8
    .venv/bin/python bench/submissions.py --backend postgresql \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_surveys
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CONFIRMED = 'id="done-title"'  # the confirmation page's heading
WARM_UP = 60  # submissions (and ten times as many bare requests) before the counted rounds
WARM_UP_PAUSE = 5.0  # seconds for the server processes' warm-up threads to finish


def bench_app() -> Any:
    """The portal (configured from the environment) plus a bare endpoint for comparison."""
    from flask import Response

    from portal import create_app

    app = create_app()

    @app.get("/bench/bare")
    def bare() -> Response:
        return Response("ok", mimetype="text/plain")

    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(database_url: str, count: int, workdir: Path) -> tuple[list[str], dict[str, Any]]:
    """A fresh schema, an open exit campaign and `count` invitations on their last page."""
    from portal import create_app
    from portal.db import Base, database, import_models, utcnow
    from surveys import campaigns
    from surveys.invitations import create_invitations, issue_links
    from surveys.rosters import RosterEntry

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(workdir)}
    )
    import_models()
    engine = database(app).engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with database(app).transaction() as session:
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", utcnow().year)
        campaigns.open_campaign(session, None, campaign.id)
        definition = campaigns.campaign_definition(campaign)
        answers = _answers(definition)
        last = len(definition.pages) - 1
        final_keys = {question.key for question in definition.pages[last].questions}
        saved = {key: value for key, value in answers.items() if key not in final_keys}
        entries = [
            RosterEntry(line=n, email=f"v{n}@bench.example", gender="female", age=25 + n % 30)
            for n in range(count)
        ]
        invitations = create_invitations(session, campaign, entries)
        for invitation in invitations:
            invitation.partial_answers, invitation.current_page = saved, last
        tokens = [
            token for _, token in issue_links(session, invitations, "invitation", utcnow(), 30)
        ]
    engine.dispose()
    form = {"page": str(last), "action": "submit"}
    form.update({key: answers[key] for key in final_keys if key in answers})
    return tokens, form


def _answers(definition: Any) -> dict[str, Any]:
    import random

    from surveys.demo import demo_answers
    from surveys.rosters import RosterEntry

    volunteer = RosterEntry(line=1, email="x@bench.example")
    return demo_answers(definition, random.Random(1), volunteer)


class Client:
    """One simulated browser with its own session cookie.

    Each request opens a new connection: gunicorn's gthread worker answers a keep-alive
    connection's next request only after a poll cycle (~25 ms here), which would measure that
    wait rather than the portal.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        headers = {"Connection": "close"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def submit(self, token: str, form: dict[str, Any]) -> int:
        """Open the link, load the last page, send it and read the confirmation, following
        redirects as a browser does; the number of requests made (0: not confirmed)."""
        self.cookie = ""
        status, location, page = self.request("GET", f"/s/{token}")
        requests = 1
        while status == 302:
            status, location, page = self.request("GET", urllib.parse.urlsplit(location).path)
            requests += 1
        match = CSRF.search(page)
        if match is None:
            return 0
        body = urllib.parse.urlencode(dict(form, csrf_token=match.group(1)), doseq=True)
        status, location, page = self.request("POST", "/s/answer", body)
        requests += 1
        while status == 302:
            status, location, page = self.request("GET", urllib.parse.urlsplit(location).path)
            requests += 1
        return requests if status == 200 and CONFIRMED in page else 0


def _bare(client: Client, _job: Any) -> int:
    return int(client.request("GET", "/bench/bare")[0] == 200)


def _submission(client: Client, job: tuple[str, dict[str, Any]]) -> int:
    token, form = job
    return client.submit(token, form)


def _run_threads(args: tuple[int, int, list[Any], Callable[[Client, Any], int]]) -> list[int]:
    """[successes, requests behind them]."""
    threads_count, port, jobs, work = args
    lock = threading.Lock()
    queue = list(reversed(jobs))
    successes = [0, 0]

    def worker() -> None:
        client = Client(port)
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            requests = work(client, job)
            with lock:
                successes[0] += int(requests > 0)
                successes[1] += requests

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return successes


def run_load(
    processes: int, threads: int, jobs: list[Any], work: Callable[[Client, Any], int], port: int
) -> tuple[float, int, int]:
    """The jobs over processes x threads concurrent clients (processes dodge the client's GIL);
    (seconds, successes, requests behind them)."""
    chunks = [jobs[n::processes] for n in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        started = time.perf_counter()
        done = pool.map(_run_threads, [(threads, port, chunk, work) for chunk in chunks])
        seconds = time.perf_counter() - started
    return seconds, sum(d[0] for d in done), sum(d[1] for d in done)


def _wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _server_command(args: argparse.Namespace, port: int) -> list[str]:
    """gunicorn (its workers x threads), or `portal serve` (waitress, one process)."""
    if args.server == "serve":
        flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "bench.submissions:bench_app()"]
        options = ["--no-worker", "--threads", str(args.threads), "--port", str(port)]
        return [*flask, "portal", "serve", *options]
    return [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
        "bench.submissions:bench_app()",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--submissions", type=int, default=600)
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--threads-per-process", type=int, default=4, help="clients in each")
    parser.add_argument("--server", choices=["gunicorn", "serve"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads in each (serve: in all)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternations of the two loads (the median counts)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-submissions-"))
    url = args.database_url or f"sqlite:///{workdir}/portal.db"
    total = args.submissions * args.rounds + WARM_UP
    print(f"preparing {total} invitations on {url.split('@')[-1]} ...", flush=True)
    tokens, form = prepare(url, total, workdir)
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="bench",  # noqa: S106 - a throw-away benchmark instance
        RATELIMIT_ENABLED="false",
        PORTAL_INSTANCE=str(workdir),
        BASE_URL=f"http://127.0.0.1:{port}",
    )
    server = subprocess.Popen(_server_command(args, port), env=env, cwd=ROOT)
    rounds: list[tuple[float, float, float]] = []  # (bare req/s, submissions/s, their req/s)
    stored_all = 0
    try:
        _wait_until_up(port)
        # Not counted: the server's processes compile their templates and run their start-up
        # warm-ups (search's loads jieba's dictionary at a gunicorn worker's first request,
        # seconds of CPU that would otherwise slow the first round's bare endpoint).
        run_load(args.processes, args.threads_per_process, list(range(WARM_UP * 10)), _bare, port)
        warm = [(token, form) for token in tokens[-WARM_UP:]]
        run_load(args.processes, args.threads_per_process, warm, _submission, port)
        time.sleep(WARM_UP_PAUSE)
        for number in range(args.rounds):
            # Each round measures the bare endpoint, then submissions, back to back: a shared
            # machine's speed drifts by more than the difference being measured.
            bare_jobs = list(range(args.submissions * 3))
            bare_seconds, bare_ok, _ = run_load(
                args.processes, args.threads_per_process, bare_jobs, _bare, port
            )
            chunk = tokens[number * args.submissions : (number + 1) * args.submissions]
            seconds, stored, requests = run_load(
                args.processes,
                args.threads_per_process,
                [(t, form) for t in chunk],
                _submission,
                port,
            )
            stored_all += stored
            rounds.append((bare_ok / bare_seconds, stored / seconds, requests / seconds))
            bare, done, asked = rounds[-1]
            print(
                f"round {number + 1}: bare {bare:7.1f} requests/s; {done:6.1f} submissions/s "
                f"({stored} of {len(chunk)}, {requests / max(stored, 1):.0f} requests each, "
                f"{asked:6.1f} requests/s): {done / bare:.0%} / {asked / bare:.0%} of bare",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    workers = f"workers={args.workers} " if args.server == "gunicorn" else ""
    print(
        f"backend={args.backend} server={args.server} {workers}threads={args.threads} "
        f"clients={args.processes}x{args.threads_per_process} cpus={os.cpu_count()} "
        f"rounds={args.rounds} x {args.submissions} submissions"
    )
    bare, done, asked = (statistics.median(r[n] for r in rounds) for n in range(3))
    print(f"bare Flask endpoint:   {bare:8.1f} requests/s (median of the rounds)")
    print(
        f"completed submissions: {done:8.1f} submissions/s, their requests {asked:.1f}/s "
        "(medians; redirects followed)"
    )
    completed = statistics.median(r[1] / r[0] for r in rounds)
    as_requests = statistics.median(r[2] / r[0] for r in rounds)
    print(
        f"submissions/s = {completed:.0%} of the bare endpoint's requests/s; "
        f"their requests/s = {as_requests:.0%} of it (medians of each round's ratio)"
    )
    if stored_all != len(tokens) - WARM_UP:
        raise SystemExit("some submissions were not stored")


if __name__ == "__main__":
    main()
