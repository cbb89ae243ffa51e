"""`flask knowledge index [--watch]` and `flask knowledge reindex`: the search index commands."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask.cli import with_appcontext

from knowledge.search import indexer
from knowledge.search.current import search_index
from knowledge.search.engine import IndexBusy, SearchIndex, SearchUnavailable
from portal.db import Database, database

BUSY = "search index busy: another indexer or a reindex is running; try again shortly"
UNUSABLE = "search index unreadable: run `flask knowledge reindex`"


def describe(run: indexer.IndexRun) -> str:
    """One line on what a run did: the build, the rows applied, products written and removed."""
    parts = [] if run.rebuilt is None else [f"index built with products: {run.rebuilt}"]
    if run.rows:
        parts.append(
            f"outbox rows applied: {run.rows}"
            f" (products written: {run.upserts}, removed: {run.deletes})"
        )
    return "; ".join(parts) or "nothing pending"


@click.command("reindex")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="seconds to wait for a running indexer to finish its turn",
)
@with_appcontext
def reindex_command(wait: float) -> None:
    """Rebuild the search index from the database and swap it in (searches keep working)."""
    try:
        run = indexer.reindex(database(), search_index(), wait=wait)
    except IndexBusy:
        raise click.ClickException(BUSY) from None
    click.echo(describe(run))


@click.command("index")
@click.option("--watch", is_flag=True, help="keep applying new changes until interrupted")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="seconds between two looks at the outbox with --watch",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="seconds to wait for another indexer's turn to end",
)
@with_appcontext
def index_command(watch: bool, interval: float, wait: float) -> None:
    """Apply pending changes to the search index (building it if there is none)."""
    db, index = database(), search_index()
    if watch:
        _watch(db, index, interval=interval, wait=wait)
        return
    try:
        click.echo(describe(indexer.apply_pending(db, index, wait=wait)))
    except IndexBusy:
        raise click.ClickException(BUSY) from None
    except SearchUnavailable:
        raise click.ClickException(UNUSABLE) from None


def _watch(db: Database, index: SearchIndex, *, interval: float, wait: float) -> None:
    stop = threading.Event()
    _stop_on_terminate(stop)
    click.echo(f"watching the search outbox every {interval:g} s; Ctrl-C stops")
    problem = ""
    try:
        while not stop.is_set():
            try:
                run = indexer.apply_pending(db, index, wait=wait)
                problem = ""
                if run.rows or run.rebuilt is not None:
                    click.echo(describe(run))
            except (IndexBusy, SearchUnavailable) as error:
                # Said once per spell: a reindex may be running, or may be needed.
                message = BUSY if isinstance(error, IndexBusy) else UNUSABLE
                if message != problem:
                    click.echo(message, err=True)
                problem = message
            stop.wait(interval)
    except KeyboardInterrupt:
        pass
    click.echo("stopped")


def _stop_on_terminate(stop: threading.Event) -> None:
    # A service manager stops the watcher with SIGTERM: finish the current run, then leave.
    def handle(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handle)
