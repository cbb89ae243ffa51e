"""Anonymous exports: refused below k, k-anonymous rows, free text apart, identifiable for admin."""

from __future__ import annotations

import csv
import io
from collections import Counter

from sqlalchemy import select

from portal.db import database, utcnow
from portal.models import AuditEvent
from surveys.anonymise import QUASI_IDENTIFIERS
from surveys.answering import submit_response
from surveys.campaigns import campaign_definition
from tests.factories import make_user
from tests.integration.surveys.builders import answers_for, make_campaign, make_invitation

EXPORT = ["surveys", "export-responses"]


def arrange(app, shipped, people: list[dict]) -> int:
    """A volunteer campaign with one response per person (roster attributes and a comment)."""
    definition = shipped["volunteer_exit"]
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        for number, person in enumerate(people):
            attributes = {"gender": "female", "category": "national", "age": 27, **person}
            invitation, _ = make_invitation(session, campaign, **attributes)
            answers = answers_for(definition, comments=f"my comment {number}")
            submit_response(
                session,
                invitation,
                campaign_definition(campaign),
                answers,
                utcnow(),
                "developing_2017",
            )
        return campaign.id


def login(app, auth, role: str) -> int:
    with database(app).transaction() as session:
        user = make_user(session, role)
    auth.login(user.email)
    return user.id


def audit_rows(app, action: str) -> list[tuple[int | None, int | None, dict]]:
    with database(app).transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        return [(e.actor_id, e.object_id, e.details) for e in events]


def table(raw: bytes) -> tuple[list[str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


KENYANS = [{"nationality": "KEN", "duty_station": "KEN"} for _ in range(11)]
ONE_FIJIAN = [{"nationality": "FJI", "duty_station": "FJI", "gender": "male", "age": 61}]


def test_a_campaign_below_k_is_refused_from_web_and_cli(
    app, auth, client, runner, shipped, tmp_path
):
    campaign_id = arrange(app, shipped, KENYANS[:4])
    login(app, auth, "staff")
    for path in ("export/csv", "export/free-text/xlsx"):
        response = client.get(f"/surveys/campaigns/{campaign_id}/{path}", follow_redirects=True)
        assert response.status_code == 200
        assert "The campaign has 4 responses; an export needs at least 5" in response.text
    out = tmp_path / "export.csv"
    for extra in ([], ["--free-text"]):
        args = [*EXPORT, str(campaign_id), "--format", "csv", "--out", str(out), *extra]
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "The campaign has 4 responses; an export needs at least 5" in result.output
        assert not out.exists()
    assert audit_rows(app, "surveys.responses_exported") == []
    assert audit_rows(app, "surveys.free_text_exported") == []


def test_twelve_responses_with_one_rare_nationality_leave_no_row_unique(
    app, runner, shipped, tmp_path
):
    campaign_id = arrange(app, shipped, KENYANS + ONE_FIJIAN)
    out = tmp_path / "export.csv"
    result = runner.invoke(args=[*EXPORT, str(campaign_id), "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    keys, rows = table(out.read_bytes())
    assert len(rows) == 12  # no response is dropped
    quasi = [*QUASI_IDENTIFIERS["volunteer"], "assignment_end_date"]
    assert set(quasi) <= set(keys)
    groups = Counter(tuple(row[column] for column in quasi) for row in rows)
    assert min(groups.values()) >= 5, groups
    # Nothing singles the Fijian volunteer out: no SIDS origin, Oceania, man or 50+ on its own.
    for column, value in [("sids", "yes"), ("gender", "male"), ("age_band", "50_plus")]:
        assert Counter(row[column] for row in rows)[value] in (0, 5, 6, 7, 8, 9, 10, 11, 12)
    assert {row["duty_station"] for row in rows} <= {"KEN", ""}
    assert sorted(int(row["response"]) for row in rows) == list(range(1, 13))
    (event,) = audit_rows(app, "surveys.responses_exported")
    assert event[2]["anonymised"] is True and event[2]["k"] == 5
    assert event[2]["suppressed_cells"] > 0


def test_free_text_is_only_in_its_own_file_without_attributes(app, runner, shipped, tmp_path):
    campaign_id = arrange(app, shipped, KENYANS[:6])
    main, text = tmp_path / "main.csv", tmp_path / "text.csv"
    runner.invoke(args=[*EXPORT, str(campaign_id), "--format", "csv", "--out", str(main)])
    result = runner.invoke(
        args=[*EXPORT, str(campaign_id), "--format", "csv", "--out", str(text), "--free-text"]
    )
    assert result.exit_code == 0, result.output
    keys, _ = table(main.read_bytes())
    assert "comments" not in keys and "experience_improvements" not in keys
    assert "my comment" not in main.read_text(encoding="utf-8-sig")
    keys, rows = table(text.read_bytes())
    assert keys == ["question_key", "question", "answer"]
    assert sorted(row["answer"] for row in rows) == [f"my comment {n}" for n in range(6)]
    assert "KEN" not in text.read_text(encoding="utf-8-sig")
    (event,) = audit_rows(app, "surveys.free_text_exported")
    assert (event[0], event[1], event[2]) == (
        None,
        campaign_id,
        {"format": "csv", "rows": 6, "k": 5},
    )


def test_free_text_comes_in_shuffled_order(app, runner, shipped, tmp_path):
    campaign_id = arrange(app, shipped, KENYANS)
    orders = set()
    for attempt in range(3):
        out = tmp_path / f"text{attempt}.csv"
        args = [*EXPORT, str(campaign_id), "--format", "csv", "--out", str(out), "--free-text"]
        assert runner.invoke(args=args).exit_code == 0
        orders.add(tuple(row["answer"] for row in table(out.read_bytes())[1]))
    # 11! orders: three times the stored order (or the same one) means no shuffling.
    assert len(orders) > 1


def test_identifiable_export_is_forbidden_to_staff_and_audited_for_admin(
    app, auth, client, runner, shipped, tmp_path
):
    campaign_id = arrange(app, shipped, KENYANS[:2])  # below k: an administrator may still see it
    login(app, auth, "staff")
    assert (
        client.get(f"/surveys/campaigns/{campaign_id}/export/identifiable/csv").status_code == 403
    )
    assert "identifiable" not in client.get(f"/surveys/campaigns/{campaign_id}").text
    auth.logout()
    admin_id = login(app, auth, "admin")
    assert "export/identifiable/csv" in client.get(f"/surveys/campaigns/{campaign_id}").text
    response = client.get(f"/surveys/campaigns/{campaign_id}/export/identifiable/csv")
    assert response.status_code == 200
    assert "identifiable" in response.headers["Content-Disposition"]
    keys, rows = table(response.get_data())
    assert {row["comments"] for row in rows} == {"my comment 0", "my comment 1"}
    assert {row["duty_station"] for row in rows} == {"KEN"}
    out = tmp_path / "identifiable.csv"
    args = [*EXPORT, str(campaign_id), "--format", "csv", "--out", str(out), "--identifiable"]
    assert runner.invoke(args=args).exit_code == 0
    web, cli = audit_rows(app, "surveys.identifiable_responses_exported")
    assert web == (admin_id, campaign_id, {"format": "csv", "rows": 2})
    assert cli == (None, *web[1:])
    assert audit_rows(app, "surveys.responses_exported") == []


def test_free_text_export_is_audited_alike_from_web_and_cli(
    app, auth, client, runner, shipped, tmp_path
):
    campaign_id = arrange(app, shipped, KENYANS[:5])
    staff_id = login(app, auth, "staff")
    assert client.get(f"/surveys/campaigns/{campaign_id}/export/free-text/xlsx").status_code == 200
    out = tmp_path / "text.xlsx"
    args = [*EXPORT, str(campaign_id), "--format", "xlsx", "--out", str(out), "--free-text"]
    assert runner.invoke(args=args).exit_code == 0
    web, cli = audit_rows(app, "surveys.free_text_exported")
    assert web == (staff_id, campaign_id, {"format": "xlsx", "rows": 5, "k": 5})
    assert cli == (None, *web[1:])


def test_cli_refuses_free_text_and_identifiable_together(app, runner, shipped, tmp_path):
    campaign_id = arrange(app, shipped, KENYANS[:5])
    out = tmp_path / "x.csv"
    args = [*EXPORT, str(campaign_id), "--format", "csv", "--out", str(out)]
    result = runner.invoke(args=[*args, "--free-text", "--identifiable"])
    assert result.exit_code == 2 and not out.exists()
