"""`/api/v1/health` tells the truth: worker heartbeats, failed mail and jobs, disk space and the
database each have a status; any part not ok degrades the whole, no database makes it down (503)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from portal import background, create_app, mail, schedule
from portal.db import database, utcnow
from portal.models import OutboxMessage


def _health(client) -> tuple[int, dict]:
    response = client.get("/api/v1/health")
    return response.status_code, response.get_json()


def test_without_a_worker_heartbeat_health_is_degraded_but_still_served(client) -> None:
    status, body = _health(client)
    assert status == 200
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["worker"] == {"status": "stopped", "nodes": []}


def test_a_recent_heartbeat_makes_the_worker_ok_and_an_old_one_stopped(app, client) -> None:
    node = app.config["PORTAL_NODE"]
    background.beat(app, utcnow())
    worker = _health(client)[1]["worker"]
    assert worker["status"] == "ok"
    assert [(n["node"], n["alive"]) for n in worker["nodes"]] == [(node, True)]

    background.beat(app, utcnow(), now=utcnow() - timedelta(minutes=5))
    worker = _health(client)[1]["worker"]
    assert worker["status"] == "stopped"
    assert worker["nodes"][0]["seconds_since_beat"] >= 299


def test_failed_mail_and_a_failed_job_are_reported(app, client) -> None:
    with app.app_context(), database(app).transaction() as session:
        mail.queue(session, "password_reset", "ana@example.org", "en", link="https://p/r/x")
        mail.queue(session, "password_reset", "bo@example.org", "en", link="https://p/r/y")
    with database(app).transaction() as session:
        first = session.query(OutboxMessage).order_by(OutboxMessage.id).first()
        first.state = "failed"

    def broken(_session, _now) -> str:
        raise RuntimeError("no")

    schedule.register_job(app, "test.broken", timedelta(hours=1), broken, "Broken")
    with app.app_context():
        assert schedule.run_due_jobs(app) >= 1
    body = _health(client)[1]
    assert body["mail"] == {"status": "failures", "waiting": 1, "failed": 1}
    assert body["jobs"] == {"status": "failures", "failed": ["test.broken"]}
    assert body["status"] == "degraded"


def test_low_disk_space_is_reported(app, client) -> None:
    app.config["PORTAL_MIN_FREE_MB"] = 10**12
    disk = _health(client)[1]["disk"]
    assert disk["status"] == "low"
    assert disk["free_mb"] > 0


def test_everything_ok_gives_ok(app, client) -> None:
    # A worker alive and nothing failed; search is a feature's part, left out of this app.
    background.beat(app, utcnow())
    body = _health(client)[1]
    parts = {name: part["status"] for name, part in body.items() if isinstance(part, dict)}
    assert {name: parts[name] for name in ("disk", "worker", "mail", "jobs")} == dict.fromkeys(
        ("disk", "worker", "mail", "jobs"), "ok"
    )


def test_an_unreachable_database_is_down_with_503(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2",
            "SECRET_KEY": "test-secret-key",
            "PORTAL_DATA_DIR": str(tmp_path / "data"),
        }
    )
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "down", "database": "unreachable"}
