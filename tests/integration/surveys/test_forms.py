"""XLSForms through the command line and the web: versions, pinning, answering, indicators."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.db import database, utcnow
from portal.models import AuditEvent
from surveys import campaigns
from surveys.definition_files import load_all
from surveys.definition_snapshots import content_hash
from surveys.indicators import answer_counts
from surveys.models import Answer, Campaign, Response, SurveyDefinitionVersion
from tests.conftest import csrf_from
from tests.integration.surveys.builders import make_campaign, make_invitation
from tests.xlsform_helpers import exit_form_rows, workbook


def _form(tmp_path, name: str = "exit.xlsx", **changes) -> str:
    sheets = exit_form_rows(**changes)
    path = tmp_path / name
    path.write_bytes(workbook(sheets))
    return str(path)


def _versions(app, key: str = "volunteer_exit") -> list[int]:
    with database(app).transaction() as session:
        return list(
            session.scalars(
                select(SurveyDefinitionVersion.version)
                .where(SurveyDefinitionVersion.survey_key == key)
                .order_by(SurveyDefinitionVersion.version)
            )
        )


def test_import_stores_a_version_once_and_refuses_a_changed_one(app, runner, tmp_path) -> None:
    path = _form(tmp_path)
    dry = runner.invoke(args=["surveys", "form-import", path, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.strip() == (
        "volunteer_exit version 4 would be stored (2 pages, 6 questions); nothing stored"
    )
    assert _versions(app) == []
    stored = runner.invoke(args=["surveys", "form-import", path])
    assert stored.output.strip() == "volunteer_exit version 4 stored (2 pages, 6 questions)"
    assert _versions(app) == [1, 2, 3, 4]  # the shipped versions come first
    again = runner.invoke(args=["surveys", "form-import", path])
    assert again.output.strip() == (
        "volunteer_exit: already version 4 (same content); nothing stored"
    )
    sheets = exit_form_rows()
    sheets["survey"][1]["label::English (en)"] = "Reworded?"
    (tmp_path / "changed.xlsx").write_bytes(workbook(sheets))
    changed = runner.invoke(args=["surveys", "form-import", str(tmp_path / "changed.xlsx")])
    assert changed.exit_code == 1
    assert "sheet settings, row 2, column version: volunteer_exit version 4 is already stored" in (
        changed.output
    )
    assert _versions(app) == [1, 2, 3, 4]
    with database(app).transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "surveys.form_imported")
        ).all()
        assert [(e.details["survey_key"], e.details["version"]) for e in events] == [
            ("volunteer_exit", 4)
        ]


def test_a_bad_form_is_refused_whole_and_nothing_is_stored(app, runner, tmp_path) -> None:
    sheets = exit_form_rows()
    sheets["survey"][8]["relevant"] = "${nobody} = 'yes'"
    (tmp_path / "bad.xlsx").write_bytes(workbook(sheets))
    result = runner.invoke(args=["surveys", "form-import", str(tmp_path / "bad.xlsx")])
    assert result.exit_code == 1
    assert "bad.xlsx refused, nothing stored: sheet survey, row 10, column relevant:" in (
        result.output
    )
    assert len(result.output.strip().splitlines()) == 1
    assert _versions(app) == []


def test_every_problem_of_a_bad_form_is_reported_at_once(app, runner, tmp_path) -> None:
    sheets = exit_form_rows()
    sheets["survey"][8]["relevant"] = "${nobody} = 'yes'"  # an unknown question
    sheets["survey"][5]["name"] = "satisfied_experience"  # a name used twice
    sheets["survey"][9]["type"] = "select_multiple talents"  # a list the choices sheet lacks
    (tmp_path / "bad.xlsx").write_bytes(workbook(sheets))
    result = runner.invoke(args=["surveys", "form-import", str(tmp_path / "bad.xlsx")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == "Error: bad.xlsx refused, nothing stored:"
    assert lines[1:] == [
        "  sheet survey, row 8, column name: name 'satisfied_experience' is used twice "
        "(first on row 7)",
        "  sheet survey, row 10, column relevant: relevant \"${nobody} = 'yes'\": "
        "${nobody} is not a question of this survey",
        "  sheet survey, row 11, column type: choice list 'talents' is not on the choices sheet",
    ]
    assert _versions(app) == []


def test_export_then_import_of_the_shipped_definitions_is_identity(app, runner, tmp_path) -> None:
    for key in ("partner", "volunteer_exit"):
        out = tmp_path / f"{key}.xlsx"
        exported = runner.invoke(args=["surveys", "form-export", key, "--out", str(out)])
        assert exported.exit_code == 0, exported.output
        imported = runner.invoke(args=["surveys", "form-import", str(out)])
        assert imported.output.strip() == f"{key}: already version 3 (same content); nothing stored"
    first = tmp_path / "v1.xlsx"
    runner.invoke(args=["surveys", "form-export", "partner", "--version", "1", "--out", str(first)])
    assert "already version 1" in runner.invoke(args=["surveys", "form-import", str(first)]).output
    missing = runner.invoke(args=["surveys", "form-export", "partner", "--version", "9", "--out",
                                  str(first)])  # fmt: skip
    assert missing.exit_code == 1 and "Survey partner has no version 9." in missing.output


def test_a_campaign_keeps_its_version_after_a_newer_one_is_imported(app, runner, tmp_path) -> None:
    with database(app).transaction() as session:
        pinned_id = make_campaign(session).id
    runner.invoke(args=["surveys", "form-import", _form(tmp_path)])
    with database(app).transaction() as session:
        pinned = session.get(Campaign, pinned_id)
        newer = make_campaign(session)
        assert pinned.definition_version.version == 3
        assert newer.definition_version.version == 4
        shipped = load_all()[("volunteer_exit", 3)]
        assert content_hash(campaigns.campaign_definition(pinned)) == content_hash(shipped)


def _post(client, page: int, action: str, **fields) -> object:
    data = {"page": str(page), "action": action, **fields}
    return client.post("/s/answer", data=dict(data, csrf_token=csrf_from(client, "/s/answer")))


def test_an_imported_form_is_answered_with_relevance_and_counted(app, runner, tmp_path) -> None:
    runner.invoke(args=["surveys", "form-import", _form(tmp_path)])
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        _, token = make_invitation(session, campaign, locale="fr")
    client = app.test_client()
    client.get(f"/s/{token}")
    first = client.get("/s/answer").get_data(as_text=True)
    assert "About you (fr)" in first and "First assignment? (fr)" in first
    refused = _post(client, 0, "next", first_assignment="no", months="61")
    assert refused.status_code == 422
    assert "Entre 1 et 60 mois" in refused.get_data(as_text=True)
    assert _post(client, 0, "next", first_assignment="no", months="3").status_code == 302
    second = client.get("/s/answer").get_data(as_text=True)
    assert "Say how much you agree. (fr)" in second  # the note
    assert 'name="first_time_advice"' not in second and 'name="skills"' not in second
    done = _post(
        client,
        1,
        "submit",
        satisfied_experience="fully_agree",
        development_contribution="dont_know",
        first_time_advice="posted although hidden",
    )
    assert done.status_code == 200, done.get_data(as_text=True)[:500]
    assert 'id="done-title"' in done.get_data(as_text=True)  # the confirmation answers the post
    with database(app).transaction() as session:
        rows = session.execute(
            select(Answer.question_key, func.count()).group_by(Answer.question_key)
        ).all()
        stored = {key: count for key, count in rows}
        assert stored == {
            "first_assignment": 1,
            "months": 1,
            "satisfied_experience": 1,
            "development_contribution": 1,
        }
        assert session.scalar(select(func.count()).select_from(Response)) == 1
        counts = answer_counts(session, "volunteer_exit", "satisfied_experience", utcnow().year)
        assert counts.groupby("answer")["n"].sum().to_dict() == {"fully_agree": 1}
