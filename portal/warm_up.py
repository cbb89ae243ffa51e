"""Warm-ups: what a serving process loads once, in the background, so its first requests need not.

A feature registers a warm-up (`register`): search loads its analysers (jieba's dictionary,
about 100 MB and a few seconds of CPU) and its index's shared arrays. `portal serve` and
`portal worker` start them as they start; another WSGI server's process (gunicorn) starts them at
its first request. One-off commands (an export, an import, a backup) never start them, so they
neither wait for nor hold what only serving needs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)

WarmUp = Callable[[Flask], None]
_WARM_UPS = "portal_warm_ups"
_STARTED = "portal_warm_ups_started"
_lock = threading.Lock()


def register(app: Flask, name: str, warm: WarmUp) -> None:
    """Add a warm-up (run once per serving process, in its own background thread)."""
    warm_ups: dict[str, WarmUp] = app.extensions.setdefault(_WARM_UPS, {})
    if name in warm_ups:
        raise ValueError(f"warm-up {name} registered twice")
    warm_ups[name] = warm


def start(app: Flask) -> list[threading.Thread]:
    """Start every registered warm-up, once per process: the threads started (none if they were
    started before). Requests are served meanwhile; a warm-up that fails is logged and its work
    is done by the first request that needs it."""
    with _lock:
        if app.extensions.get(_STARTED):
            return []
        app.extensions[_STARTED] = True
    threads = []
    for name, warm in app.extensions.get(_WARM_UPS, {}).items():
        thread = threading.Thread(
            target=_run, args=(app, name, warm), name=f"warm-up-{name}", daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads


def _run(app: Flask, name: str, warm: WarmUp) -> None:
    try:
        warm(app)
    except Exception:  # a damaged index, say: reported by its own requests and by health
        log.warning("warm-up %s failed", name, exc_info=True)


def init_app(app: Flask) -> None:
    """Outside tests, a process serving requests without `portal serve` (gunicorn) warms up at
    its first request."""
    if app.testing:
        return

    @app.before_request
    def _warm_at_first_request() -> None:
        if not app.extensions.get(_STARTED):
            start(app)
