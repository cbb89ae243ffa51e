"""Run the test app's background work as the worker would: read pending files' text, then let the
search outbox reach the index, before a test asserts what a user or a search sees."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from knowledge.text_queue import read_batch
from portal.db import database


def read_texts(app: Flask) -> int:
    """Read the text of every pending file (claims until none is left); the number finished.

    Call it outside any open writing transaction: on SQLite the claim waits for the write lock.
    Committing a result applies the search outbox (outside requests), so the index follows.
    """
    total = 0
    while done := read_batch(database(app), Path(app.config["PORTAL_DATA_DIR"])):
        total += done
    return total
