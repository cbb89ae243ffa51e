"""Operations commands: `portal serve`, `portal worker` and `portal outbox list|retry`."""

from __future__ import annotations

import os
import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup, ScriptInfo, with_appcontext

from portal import background, outbox, serve, warm_up, worker
from portal.cli import command_transaction, portal_cli
from portal.db import database
from portal.mail import mailer_for

outbox_cli = AppGroup("outbox", help="Mail waiting to be delivered, or failed.")


@click.command("serve")
@with_appcontext
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="HOST")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "5000")))
@click.option("--threads", type=int, default=8, show_default=True, help="request threads")
@click.option("--no-worker", is_flag=True, help="the worker runs as its own service")
@click.option(
    "--worker-interval", type=float, default=5.0, show_default=True, help="seconds between rounds"
)
def serve_command(
    host: str, port: int, threads: int, no_worker: bool, worker_interval: float
) -> None:
    """The production server (waitress) and, unless --no-worker, the worker beside it."""
    info = click.get_current_context().find_object(ScriptInfo)
    app_path = info.app_import_path if info else None
    command = None if no_worker else serve.worker_command(app_path, worker_interval)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    warm_up.start(app)
    serve.serve(app, serve.ServeOptions(host, port, threads, command))


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="do what is due now, then exit")
@click.option(
    "--interval", type=float, default=5.0, show_default=True, help="seconds between rounds"
)
def worker_command(once: bool, interval: float) -> None:
    """Deliver mail, apply search updates, read files, run scheduled jobs (until SIGTERM/SIGINT,
    or once with --once)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        counts = worker.deliver_all_due(database(), mailer_for(app.config))
        click.echo(f"{counts.sent} sent, {counts.deferred} deferred, {counts.failed} failed")
        for name, done in background.run_round(app, skip={"mail"}).items():
            click.echo(f"{name}: {'failed (see the log)' if done < 0 else done}")
        return
    warm_up.start(app)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    background.run(app, stop, interval=interval)


@outbox_cli.command("list")
@click.option("--failed", is_flag=True, help="only the items that failed for good")
def outbox_list(failed: bool) -> None:
    """One line per queued or failed item: id, kind, recipient, attempts, next attempt, error."""
    with command_transaction() as session:
        items = outbox.waiting_or_failed(session, failed_only=failed)
        for item in items:
            when = outbox.next_attempt(item)
            next_at = when.isoformat(timespec="seconds") if when else "-"
            click.echo(
                f"{item.id}\t{item.kind}\t{item.recipient}\t{item.attempts}\t{next_at}\t"
                f"{item.last_error or '-'}"
            )


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="every deferred or failed item")
def outbox_retry(ids: tuple[int, ...], every: bool) -> None:
    """Make deferred or failed items due now."""
    if every == bool(ids):
        raise click.UsageError("give either --all or one or more item ids")
    with command_transaction() as session:
        retried = outbox.retry(session, None, None if every else list(ids))
    click.echo(f"{len(retried)} item(s) due now")


def init_app(_app: Flask) -> None:
    for command in (serve_command, worker_command, outbox_cli):
        portal_cli.add_command(command)
