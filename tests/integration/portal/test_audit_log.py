"""The audit log page and its CSV export: filters, pages, formula-safe cells, nothing personal or
secret, and the export itself recorded."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import select

from portal import audit_log
from portal.audit import record
from portal.models import AuditEvent
from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_user


def _signed_in(app, email: str):
    client = app.test_client()
    client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_from(client, "/login")},
    )
    return client


def _event(session, actor, action, object_type, object_id, at, **details) -> AuditEvent:
    event = record(session, actor, action, object_type, object_id, **details)
    event.at = at
    session.flush()
    return event


def _trail(session):
    """An administrator, a staff member and five events over three days."""
    admin = make_user(session, "admin", email="admin@example.org")
    staff = make_user(session, "staff", email="staff@example.org")
    day = lambda d: datetime(2026, 3, d, 12, tzinfo=UTC)  # noqa: E731
    _event(session, staff, "knowledge.published", "knowledge_product", 7, day(1))
    _event(session, staff, "knowledge.rejected", "knowledge_product", 8, day(2), reason_len=12)
    _event(session, None, "auth.user_created", "user", staff.id, day(2), role="staff")
    _event(
        session,
        admin,
        "auth.role_changed",
        "user",
        staff.id,
        day(3),
        before='=HYPERLINK("http://evil.example")',
        after="staff",
        contact_email="someone@example.org",
        note="wrote to someone@example.org",
    )
    session.commit()
    return admin, staff


def _ids_on(page_text: str, session) -> list[int]:
    ids = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc())).all()
    return [event_id for event_id in ids if f"<td>{event_id}</td>" in page_text]


def test_each_filter_narrows_the_log(app, session) -> None:
    admin, staff = _trail(session)
    client = _signed_in(app, admin.email)
    cases = {
        "actor=staff@example.org": [2, 1],
        "no_actor=y": [3],
        "action=auth.role_changed": [4],
        f"object_type=user&object_id={staff.id}": [4, 3],
        "since=2026-03-02&until=2026-03-02": [3, 2],
        "since=2026-03-03": [4],
    }
    for query, expected in cases.items():
        page = client.get(f"/admin/audit?{query}")
        assert page.status_code == 200, query
        assert _ids_on(page.get_data(as_text=True), session) == expected, query


def test_pages_hold_the_newest_events_first_with_their_actors(app, session) -> None:
    admin, staff = _trail(session)
    first, actors = audit_log.find_events(session, audit_log.AuditFilters(), 1, per_page=3)
    assert [event.id for event in first.items] == [4, 3, 2]
    assert sorted(actors) == sorted([admin.id, staff.id])
    second, actors = audit_log.find_events(session, audit_log.AuditFilters(), 2, per_page=3)
    assert [event.id for event in second.items] == [1]
    assert (second.total, second.pages, list(actors)) == (4, 2, [staff.id])


def test_bad_filters_are_named_and_show_nothing(app, session) -> None:
    admin, _ = _trail(session)
    client = _signed_in(app, admin.email)
    for query, message in (
        ("since=2026-03-03&until=2026-03-01", "The end date is before the start date."),
        ("actor=nobody@example.org", "No account with e-mail nobody@example.org."),
        ("object_id=99999999999999999999", "Number must be between 1 and 2147483647."),
        ("since=yesterday", "Not a valid date value."),
    ):
        page = client.get(f"/admin/audit?{query}")
        assert page.status_code == 422, query
        text = page.get_data(as_text=True)
        assert message in text, query
        assert "<td>1</td>" not in text


def test_details_show_no_address_and_no_secret(app, session) -> None:
    admin, _ = _trail(session)
    page = _signed_in(app, admin.email).get("/admin/audit?action=auth.role_changed")
    text = page.get_data(as_text=True)
    assert "someone@example.org" not in text
    assert "wrote to [email]" in text and "[withheld]" in text


def test_the_export_is_formula_safe_names_people_by_number_and_is_recorded(app, session) -> None:
    admin, staff = _trail(session)
    response = _signed_in(app, admin.email).get("/admin/audit/export.csv?object_type=user")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == list(audit_log.CSV_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["3", "4"]
    changed = dict(zip(rows[0], rows[2], strict=True))
    assert changed["actor_id"] == str(admin.id)
    details = json.loads(changed["details"])
    assert details["before"] == '=HYPERLINK("http://evil.example")'  # inside a cell "{..."
    assert details["contact_email"] == "[withheld]"
    assert "@" not in body
    session.rollback()
    exported = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "portal.audit_log_exported")
    )
    assert (exported.actor_id, exported.details) == (
        admin.id,
        {"rows": 2, "filters": {"object_type": "user"}},
    )


def test_a_cell_that_would_start_a_formula_is_exported_as_text(app, session) -> None:
    admin, _ = _trail(session)
    _event(session, None, "-2+3", "=cmd|' /C calc'!A0", None, datetime(2026, 3, 4, tzinfo=UTC))
    session.commit()
    body = _signed_in(app, admin.email).get("/admin/audit/export.csv?action=-2%2B3")
    [_header, row] = list(csv.reader(io.StringIO(body.get_data(as_text=True))))
    assert row[3:5] == ["'-2+3", "'=cmd|' /C calc'!A0"]


def test_a_cell_that_starts_a_formula_gets_an_apostrophe() -> None:
    cells = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", " =x", "plain", 5, None]
    assert [audit_log.safe_cell(cell) for cell in cells] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "' =x",
        "plain",
        5,
        None,
    ]


def test_the_command_line_exports_the_same_file(app, runner, session, tmp_path) -> None:
    _trail(session)
    out = tmp_path / "audit.csv"
    args = ["portal", "audit-export", "--out", str(out), "--since", "2026-03-02"]
    result = runner.invoke(args=[*args, "--actor", "staff@example.org"])
    assert result.exit_code == 0, result.output
    assert result.output == f"1 event(s) written to {out}\n"
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row[3] for row in rows[1:]] == ["knowledge.rejected"]
    refused = runner.invoke(args=[*args, "--until", "2026-03-01"])
    assert refused.exit_code == 1 and "--until is before --since" in refused.output


def test_only_administrators_read_the_log(app, session) -> None:
    _admin, staff = _trail(session)
    client = _signed_in(app, staff.email)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403
