"""The mail outbox: permanent failures shown and retried, nothing queued for a rolled-back
decision, a worker stopped mid-round resends at most once, and retry alike from page and CLI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import background, mail, schedule, worker
from portal.db import database, utcnow
from portal.mail import mailer_for
from portal.models import AuditEvent, OutboxMessage
from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_user
from tests.outbox_helpers import ScriptedSmtp, deliver_mail, scripted_smtp


def _queue(app, to: str = "ana@example.org", key: str | None = None) -> bool:
    with app.app_context(), database(app).transaction() as session:
        if key is not None:
            return mail.queue_once(session, key, "password_reset", to, "en", link="https://x")
        mail.queue(session, "password_reset", to, "en", link="https://portal/x")
        return True


def _items(app) -> list[OutboxMessage]:
    with database(app).transaction() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _fail_one(app) -> int:
    """A queued mail that a 550 made fail; returns its id."""
    _queue(app)
    refusal = "550 5.1.1 <ana@example.org>: mailbox unavailable"
    with scripted_smtp(app, ScriptedSmtp(accept=0, refusal=refusal)):
        assert deliver_mail(app).failed == 1
    (item,) = _items(app)
    return item.id


def test_a_550_fails_the_item_with_its_reason_listed_and_retry_makes_it_due(app, runner) -> None:
    item_id = _fail_one(app)
    (item,) = _items(app)
    assert (item.state, item.attempts) == ("failed", 1)
    # The server's reason is kept, without the address it quoted.
    assert item.last_error == "550 5.1.1 <address>: mailbox unavailable"
    assert deliver_mail(app, utcnow() + timedelta(days=1)).claimed == 0  # failed stays failed

    listed = runner.invoke(args=["portal", "outbox", "list", "--failed"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        f"{item_id}\tmail\tana@example.org\t1\t-\t550 5.1.1 <address>: mailbox unavailable"
    ]

    retried = runner.invoke(args=["portal", "outbox", "retry", str(item_id)])
    assert (retried.exit_code, retried.output) == (0, "1 item(s) due now\n")
    assert runner.invoke(args=["portal", "outbox", "list", "--failed"]).output == ""
    (item,) = _items(app)
    assert item.state == "queued" and item.due_at <= utcnow()
    with scripted_smtp(app, ScriptedSmtp()) as server:
        assert deliver_mail(app).sent == 1
    assert [message["To"] for message in server.messages] == ["ana@example.org"]
    (item,) = _items(app)
    assert (item.state, item.body_text, item.body_html) == ("sent", "", None)


def test_outbox_list_shows_queued_items_with_their_next_attempt(app, runner) -> None:
    _queue(app, "a@example.org")
    with scripted_smtp(app, ScriptedSmtp(accept=0)):
        assert deliver_mail(app).deferred == 1
    (item,) = _items(app)
    output = runner.invoke(args=["portal", "outbox", "list"]).output
    next_at = item.due_at.isoformat(timespec="seconds")
    assert output == f"{item.id}\tmail\ta@example.org\t1\t{next_at}\t451 4.3.0 Try again later\n"


def test_retry_needs_all_or_ids_and_refuses_unknown_or_sent_items(app, runner) -> None:
    assert runner.invoke(args=["portal", "outbox", "retry"]).exit_code == 2
    assert runner.invoke(args=["portal", "outbox", "retry", "--all", "1"]).exit_code == 2
    unknown = runner.invoke(args=["portal", "outbox", "retry", "42"])
    assert (unknown.exit_code, unknown.output) == (1, "Error: not found: outbox item 42\n")
    _queue(app)
    deliver_mail(app)
    (item,) = _items(app)
    sent = runner.invoke(args=["portal", "outbox", "retry", str(item.id)])
    assert sent.exit_code == 1
    assert "cannot be retried" in sent.output


def test_retry_all_makes_every_deferred_and_failed_item_due(app, runner) -> None:
    failed_id = _fail_one(app)
    _queue(app, "b@example.org")
    with scripted_smtp(app, ScriptedSmtp(accept=0)):
        deliver_mail(app)
    result = runner.invoke(args=["portal", "outbox", "retry", "--all"])
    assert result.output == "2 item(s) due now\n"
    with scripted_smtp(app, ScriptedSmtp()) as server:
        assert deliver_mail(app).sent == 2
    assert len(server.messages) == 2
    with database(app).transaction() as session:
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "portal.outbox_retried")
        )
        assert event.details == {"ids": [failed_id, failed_id + 1]}


def test_a_rolled_back_decision_queues_nothing(app) -> None:
    with pytest.raises(RuntimeError), app.app_context(), database(app).transaction() as session:
        mail.queue(session, "password_reset", "a@example.org", "en", link="https://x")
        raise RuntimeError("the decision fails after its mail was queued")
    assert _items(app) == []
    assert deliver_mail(app).claimed == 0
    _queue(app)
    assert len(_items(app)) == 1


def test_an_idempotency_key_never_queues_the_same_item_twice(app) -> None:
    assert _queue(app, key="invitation-link:7") is True
    assert _queue(app, key="invitation-link:7") is False
    assert _queue(app, key="invitation-link:8") is True
    with database(app).transaction() as session:
        count = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert count == 2


def test_a_worker_stopped_between_sending_and_recording_resends_at_most_once(app) -> None:
    portal = database(app)
    _queue(app, key="invitation-link:1")
    start = utcnow()
    with scripted_smtp(app, ScriptedSmtp()) as server:
        mailer = mailer_for(app.config)
        stopped = worker.claim(portal, start)
        assert mailer.deliver(stopped.mails)[0].sent  # sent, then the worker is killed
        assert worker.deliver_due(portal, mailer, start + timedelta(minutes=1)).claimed == 0
        after_lease = start + worker.LEASE + timedelta(seconds=1)
        assert worker.deliver_due(portal, mailer, after_lease).sent == 1
        # The stopped worker, were it to come back, no longer holds the item.
        assert worker.record(portal, stopped, [mail.SENT], after_lease).claimed == 0
        for hours in (1, 5, 24):
            later = start + timedelta(hours=hours)
            assert worker.deliver_due(portal, mailer, later).claimed == 0
        assert _queue(app, key="invitation-link:1") is False  # the action retried: no new row
    assert len(server.messages) == 2
    (item,) = _items(app)
    assert (item.state, item.attempts) == ("sent", 2)


def test_temporary_failures_back_off_exponentially_then_fail_visibly(app) -> None:
    portal = database(app)
    _queue(app)
    now = utcnow()
    waits = []
    with scripted_smtp(app, ScriptedSmtp(accept=0)):
        mailer = mailer_for(app.config)
        for _ in range(worker.MAX_ATTEMPTS):
            counts = worker.deliver_due(portal, mailer, now)
            (item,) = _items(app)
            if counts.failed:
                break
            waits.append(item.due_at - now)
            now = item.due_at
    assert waits[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert set(waits[7:]) == {timedelta(hours=1)}
    assert (item.state, item.attempts) == ("failed", worker.MAX_ATTEMPTS)
    assert item.last_error.startswith("451")


def _staff_client(app, session):
    user = make_user(session, "staff", email="staff@example.org")
    session.commit()
    client = app.test_client()
    token = csrf_from(client, "/login")
    client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    return client, user


def test_the_page_and_the_command_retry_with_the_same_audit_row(app, runner, session) -> None:
    item_id = _fail_one(app)
    client, staff = _staff_client(app, session)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "ana@example.org" in page and "550 5.1.1 &lt;address&gt;" in page
    token = csrf_from(client, "/admin/outbox")
    response = client.post(f"/admin/outbox/{item_id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    assert _items(app)[0].state == "queued"
    with database(app).transaction() as tx:
        tx.get(OutboxMessage, item_id).state = "failed"
    assert runner.invoke(args=["portal", "outbox", "retry", str(item_id)]).exit_code == 0
    with database(app).transaction() as tx:
        web, cli = tx.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "portal.outbox_retried")
            .order_by(AuditEvent.id)
        )
        assert (web.object_type, web.object_id, web.details) == (
            cli.object_type,
            cli.object_id,
            cli.details,
        )
        assert web.details == {"ids": [item_id]}
        assert (web.actor_id, cli.actor_id) == (staff.id, None)


def test_the_page_refuses_a_retry_without_csrf_and_of_an_unknown_item(app, session) -> None:
    client, _staff = _staff_client(app, session)
    assert client.post("/admin/outbox/1/retry").status_code == 400
    token = csrf_from(client, "/admin/outbox")
    assert client.post("/admin/outbox/99/retry", data={"csrf_token": token}).status_code == 404


def test_the_page_shows_the_workers_and_the_scheduled_jobs(app, session) -> None:
    client, _staff = _staff_client(app, session)
    before = client.get("/admin/outbox", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Aucun processus de travail n’a encore tourné" in before
    assert before.count("au prochain passage du processus de travail") == len(
        schedule.registered_jobs(app)
    )

    background.beat(app, utcnow())
    with app.app_context():
        schedule.run_due_jobs(app)
    # The account now keeps French (the language it browsed in): back to English by the switcher.
    client.post("/language", data={"lang": "en", "csrf_token": csrf_from(client, "/admin/outbox")})
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert f"Worker on {app.config['PORTAL_NODE']}" in page and "running" in page
    assert "Remind invitees who have not answered" in page
    assert page.count("Completed") == len(schedule.registered_jobs(app))
