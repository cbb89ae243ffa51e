"""Exports for analysis tools: a CSV pandas reads as it is with its codebook beside it, a ZIP of
both, and SPSS and Stata files that pyreadstat reads back with their variable and value labels."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pyreadstat
import pytest

from portal.db import database, utcnow
from surveys.answering import submit_response
from surveys.campaigns import campaign_definition
from tests.factories import make_user
from tests.integration.surveys.builders import answers_for, make_campaign, make_invitation

EXPORT = ["surveys", "export-responses"]
READERS = {"sav": pyreadstat.read_sav, "dta": pyreadstat.read_dta}


def arrange(app, shipped, count: int = 6) -> int:
    """Six exit responses: "fully agree" and two skills, then "somewhat agree" and one skill;
    a hostile comment in every one; all from young Kenyan women."""
    definition = shipped["volunteer_exit"]
    with database(app).transaction() as session:
        campaign = make_campaign(session)
        for number in range(count):
            invitation, _ = make_invitation(
                session, campaign, gender="female", age=24, nationality="KEN", duty_station="KEN"
            )
            first = number < count // 2
            answers = answers_for(
                definition,
                satisfied_experience="fully_agree" if first else "somewhat_agree",
                skills_gained=["technical", "digital"] if first else ["leadership"],
                comments=f"=cmd|' /C calc'!A{number}",
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


def cli_export(runner, campaign_id: int, fmt: str, out, *extra: str) -> None:
    args = [*EXPORT, str(campaign_id), "--format", fmt, "--out", str(out), *extra]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output


def test_pandas_reads_the_csv_with_one_header_row_and_its_codebook(
    app, runner, shipped, tmp_path
) -> None:
    campaign_id = arrange(app, shipped)
    out = tmp_path / "responses.csv"
    cli_export(runner, campaign_id, "csv", out, "--identifiable", "--lang", "fr")
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert len(frame) == 6
    assert frame["response"].dtype == "int64" and frame["reporting_year"].dtype == "int64"
    assert frame["survey_version"].tolist() == [3] * 6
    assert frame["satisfied_experience"].tolist() == ["fully_agree"] * 3 + ["somewhat_agree"] * 3
    assert frame["satisfied_experience_label"].iloc[0] == "Tout à fait d'accord"
    assert frame["skills_gained"].tolist() == ["technical;digital"] * 3 + ["leadership"] * 3
    assert frame["youth"].tolist() == ["yes"] * 6
    # Still safe to open in a spreadsheet: the formula is text.
    assert all(comment.startswith("'=cmd") for comment in frame["comments"])
    book = pd.read_csv(tmp_path / "responses.codebook.csv", encoding="utf-8-sig", dtype=str)
    assert list(book.columns) == ["question_key", "question", "code", "label"]
    assert set(frame.columns) <= set(book["question_key"])  # every column has its entry
    entries = book[book["question_key"] == "satisfied_experience"]
    assert entries["code"].tolist()[:2] == ["fully_agree", "somewhat_agree"]
    assert entries["label"].tolist()[:2] == ["Tout à fait d'accord", "Plutôt d'accord"]
    assert book.set_index("question_key").loc["youth", "question"] == "Jeunes (18-29 ans)"


def test_the_zip_holds_the_csv_and_its_codebook_and_free_text_has_no_codebook(
    app, auth, client, runner, shipped, tmp_path
) -> None:
    campaign_id = arrange(app, shipped)
    with database(app).transaction() as session:
        user = make_user(session, "staff")
    auth.login(user.email)
    response = client.get(f"/surveys/campaigns/{campaign_id}/export/zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    stem = f"campaign-{campaign_id}-volunteer_exit-{utcnow().year}"
    assert f'filename="{stem}.zip"' in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert sorted(archive.namelist()) == [f"{stem}.codebook.csv", f"{stem}.csv"]
    data = pd.read_csv(archive.open(f"{stem}.csv"), encoding="utf-8-sig")
    assert len(data) == 6 and "comments" not in data.columns  # anonymous: no free text
    book = pd.read_csv(archive.open(f"{stem}.codebook.csv"), encoding="utf-8-sig", dtype=str)
    assert "Dates are shown to the month." in book["label"].tolist()  # the recodings
    out = tmp_path / "free.csv"
    cli_export(runner, campaign_id, "csv", out, "--free-text")
    assert not (tmp_path / "free.codebook.csv").exists()
    assert pd.read_csv(out, encoding="utf-8-sig").shape == (6, 3)


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_spss_and_stata_files_carry_values_and_labels(app, runner, shipped, tmp_path, fmt) -> None:
    campaign_id = arrange(app, shipped)
    out = tmp_path / f"responses.{fmt}"
    cli_export(runner, campaign_id, fmt, out, "--identifiable", "--lang", "fr")
    frame, meta = READERS[fmt](out)
    definition = shipped["volunteer_exit"]
    question = definition.question("satisfied_experience")
    assert len(frame) == 6
    assert frame["satisfied_experience"].tolist() == [1] * 3 + [2] * 3
    assert meta.column_names_to_labels["satisfied_experience"] == question.label["fr"]
    labels = meta.variable_value_labels["satisfied_experience"]
    assert labels == {n: option.label["fr"] for n, option in enumerate(question.options, 1)}
    assert "satisfied_experience_label" not in frame.columns  # the value labels say it
    # A multiple choice: one 0/1 variable per option, labelled with the option.
    assert frame["skills_gained_technical"].tolist() == [1] * 3 + [0] * 3
    assert frame["skills_gained_leadership"].tolist() == [0] * 3 + [1] * 3
    assert meta.column_names_to_labels["skills_gained_technical"].endswith(
        " - Expertise technique dans mon domaine"
    )
    assert meta.variable_value_labels["skills_gained_digital"] == {0: "Non", 1: "Oui"}
    assert frame["youth"].tolist() == [1] * 6
    assert frame["response"].tolist() == sorted(frame["response"].tolist())
    assert frame["survey_version"].tolist() == [3] * 6
    assert frame["gender"].tolist() == ["female"] * 6
    assert all(comment.startswith("'=cmd") for comment in frame["comments"])
    comments = definition.question("comments").label["fr"]
    assert len(comments) > 80  # Stata's limit: cut, with an ellipsis
    shown = comments if fmt == "sav" else comments[:79] + "…"
    assert meta.column_names_to_labels["comments"] == shown


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_staff_download_anonymous_spss_and_stata(app, auth, client, shipped, tmp_path, fmt) -> None:
    campaign_id = arrange(app, shipped)
    with database(app).transaction() as session:
        user = make_user(session, "staff")
    auth.login(user.email)
    response = client.get(f"/surveys/campaigns/{campaign_id}/export/{fmt}?lang=es")
    assert response.status_code == 200
    assert f".{fmt}" in response.headers["Content-Disposition"]
    path = tmp_path / f"download.{fmt}"
    path.write_bytes(response.get_data())
    frame, meta = READERS[fmt](path)
    assert sorted(frame["response"].tolist()) == [1, 2, 3, 4, 5, 6]  # numbered, shuffled
    assert "comments" not in frame.columns  # free text is in its own file
    assert meta.variable_value_labels["satisfied_experience"][1] == "Totalmente de acuerdo"
    assert sorted(frame["satisfied_experience"].tolist()) == [1] * 3 + [2] * 3
    if fmt == "sav":  # the recodings of the anonymous export, as the file's notes
        assert any("YYYY-MM" in line for line in meta.notes)
    page = client.get(f"/surveys/campaigns/{campaign_id}").text
    assert f"export/{fmt}" in page and "export/zip" in page
