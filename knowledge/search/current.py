"""The app's search index: where it lives (``PORTAL_SEARCH_DIR``, by default
``PORTAL_DATA_DIR/search``) and how code reaches it. Each node keeps its own index, so nodes
sharing ``PORTAL_DATA_DIR`` (uploaded files on a shared volume) give each a local search folder."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from knowledge.search.engine import SearchIndex
from portal.collation import collation_bytes

EXTENSION = "knowledge_search"
INDEX_DIR = "search"


def install_index(app: Flask) -> SearchIndex:
    """Give ``app`` its index (built later, by the worker); titles sort by the Unicode
    collation, as the portal's other lists do."""
    folder = app.config.get("PORTAL_SEARCH_DIR") or Path(app.config["PORTAL_DATA_DIR"]) / INDEX_DIR
    index = SearchIndex(folder, title_key=collation_bytes)
    app.extensions[EXTENSION] = index
    return index


def search_index(app: Flask | None = None) -> SearchIndex:
    """The app's (by default the current app's) search index."""
    index: SearchIndex = (app or current_app).extensions[EXTENSION]
    return index
