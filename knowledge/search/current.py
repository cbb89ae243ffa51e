"""The app's search index: where it lives (``PORTAL_DATA_DIR/search``) and how code reaches it."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from knowledge.search.engine import SearchIndex

EXTENSION = "knowledge_search"
INDEX_DIR = "search"


def install_index(app: Flask) -> SearchIndex:
    """Give ``app`` its index under ``PORTAL_DATA_DIR/search`` (built later, by the indexer)."""
    index = SearchIndex(Path(app.config["PORTAL_DATA_DIR"]) / INDEX_DIR)
    app.extensions[EXTENSION] = index
    return index


def search_index(app: Flask | None = None) -> SearchIndex:
    """The app's (by default the current app's) search index."""
    index: SearchIndex = (app or current_app).extensions[EXTENSION]
    return index
