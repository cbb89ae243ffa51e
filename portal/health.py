"""What `/api/v1/health` reports: database, disk, worker, mail outbox and scheduled jobs, plus what
features add (search). Each part has a status; any part that is not "ok" makes the whole "degraded",
and an unreachable database makes it "down"."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal import background, schedule
from portal.db import utcnow
from portal.models import OutboxMessage

Check = Callable[[], dict[str, Any]]
_CHECKS = "portal_health"


def register_check(app: Flask, name: str, check: Check) -> None:
    """A feature adds its own part of the answer (e.g. the search index and its lag)."""
    app.extensions.setdefault(_CHECKS, {})[name] = check


def report(app: Flask, session: Session) -> dict[str, Any]:
    """The whole answer, with "status" ok, degraded (some part is not ok) or down (no database)."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        session.rollback()
        return {"status": "down", "database": "unreachable"}
    now = utcnow()
    parts: dict[str, dict[str, Any]] = {
        "disk": disk(Path(app.config["PORTAL_DATA_DIR"]), int(app.config["PORTAL_MIN_FREE_MB"])),
        "worker": worker(session, now),
        "mail": mail(session),
        "jobs": jobs(session),
    }
    checks: dict[str, Check] = app.extensions.get(_CHECKS, {})
    for name, check in checks.items():
        try:
            parts[name] = check()
        except Exception:  # noqa: BLE001 - a failing check degrades health, never breaks it
            session.rollback()
            parts[name] = {"status": "unavailable"}
    healthy = all(part.get("status") == "ok" for part in parts.values())
    return {"status": "ok" if healthy else "degraded", "database": "ok", **parts}


def disk(data_dir: Path, min_free_mb: int) -> dict[str, Any]:
    """Free space where uploads and the index are written; "low" below the configured floor."""
    probe = data_dir if data_dir.exists() else data_dir.parent
    usage = shutil.disk_usage(probe)
    free_mb = usage.free // 1024**2
    return {"status": "ok" if free_mb >= min_free_mb else "low", "free_mb": free_mb}


def worker(session: Session, now: datetime) -> dict[str, Any]:
    """Each node's worker and its last heartbeat; "stopped" when none beat lately."""
    states = background.worker_states(session, now)
    return {
        "status": "ok" if any(state.alive for state in states) else "stopped",
        "nodes": [
            {
                "node": state.node,
                "alive": state.alive,
                "seconds_since_beat": round((now - state.beat_at).total_seconds(), 1),
            }
            for state in states
        ],
    }


def mail(session: Session) -> dict[str, Any]:
    """Mail waiting and mail that failed for good (staff retry it on the outgoing-mail page)."""
    counts = dict(
        session.execute(
            select(OutboxMessage.state, func.count())
            .where(OutboxMessage.state.in_(("queued", "sending", "failed")))
            .group_by(OutboxMessage.state)
        ).all()
    )
    failed = int(counts.get("failed", 0))
    waiting = int(counts.get("queued", 0)) + int(counts.get("sending", 0))
    return {"status": "failures" if failed else "ok", "waiting": waiting, "failed": failed}


def jobs(session: Session) -> dict[str, Any]:
    """Scheduled jobs whose last run failed."""
    failed = schedule.failed_jobs(session)
    return {"status": "failures" if failed else "ok", "failed": failed}
