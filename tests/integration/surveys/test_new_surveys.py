"""Surveys imported under new keys: campaigns, rosters of their audience, answers and exports."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from portal.db import database
from surveys.campaigns import campaign_definition
from surveys.models import Campaign, Response
from surveys.response_rows import columns_for
from tests.conftest import csrf_from
from tests.factories import make_user
from tests.xlsform_helpers import exit_form_rows, workbook


def _new_form(tmp_path, audience: str | None = None, key: str = "staff_pulse") -> str:
    sheets = exit_form_rows(version="1")
    sheets["settings"][0].update(form_id=key, form_title="Pulse survey")
    if audience is not None:
        sheets["settings"][0]["audience"] = audience
    path = tmp_path / f"{key}.xlsx"
    path.write_bytes(workbook(sheets))
    return str(path)


def _roster(tmp_path, header: str, *rows: str):
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_a_new_survey_runs_a_campaign_with_the_roster_of_anyone(app, runner, tmp_path) -> None:
    assert runner.invoke(args=["surveys", "form-import", _new_form(tmp_path)]).exit_code == 0
    created = runner.invoke(args=["surveys", "campaign-create", "--survey", "staff_pulse",
                                  "--year", "2026"])  # fmt: skip
    assert created.exit_code == 0, created.output
    campaign_id = created.output.strip()
    wrong = _roster(tmp_path, "email,gender", "a@example.org,female")
    refused = runner.invoke(args=["surveys", "invite", campaign_id, wrong, "--links-out",
                                  str(tmp_path / "links.csv")])  # fmt: skip
    assert refused.exit_code == 1 and "gender" in refused.output
    roster = _roster(tmp_path, "email,name,language", "a@example.org,Ana,fr")
    invited = runner.invoke(args=["surveys", "invite", campaign_id, roster, "--links-out",
                                  str(tmp_path / "links.csv")])  # fmt: skip
    assert invited.exit_code == 0, invited.output
    links = (tmp_path / "links.csv").read_text(encoding="utf-8")
    (link,) = [row["link"] for row in csv.DictReader(io.StringIO(links))]
    client = app.test_client()
    client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    page = client.get("/s/answer").get_data(as_text=True)
    assert "About you (fr)" in page
    for number, fields in enumerate(
        [
            {"first_assignment": "no", "months": "3", "action": "next"},
            {"satisfied_experience": "fully_agree", "action": "submit"},
        ]
    ):
        data = {"page": str(number), "csrf_token": csrf_from(client, "/s/answer"), **fields}
        # Each page redirects to the next; the final one answers with the confirmation.
        expected = 200 if fields["action"] == "submit" else 302
        assert client.post("/s/answer", data=data).status_code == expected
    with database(app).transaction() as session:
        campaign = session.get(Campaign, int(campaign_id))
        assert campaign.survey_key == "staff_pulse"
        (response,) = session.scalars(select(Response)).all()
        assert response.reporting_year == 2026  # the campaign's year, as for the partner survey
        columns = columns_for(campaign, campaign_definition(campaign), "en")
        header = [column.key for column in columns]
    assert header[:4] == ["response", "submitted_on", "reporting_year", "first_assignment"]
    assert "gender" not in header and "satisfied_experience" in header


def test_the_campaign_page_offers_imported_surveys_by_their_title(
    app, runner, client, auth, tmp_path
) -> None:
    runner.invoke(args=["surveys", "form-import", _new_form(tmp_path, audience="volunteer")])
    with database(app).transaction() as session:
        staff = make_user(session, "staff")
    auth.login(staff.email)
    page = client.get("/surveys/campaigns/new").get_data(as_text=True)
    assert '<option value="staff_pulse">Pulse survey</option>' in page
    roster_columns = runner.invoke(args=["surveys", "campaign-create", "--survey", "staff_pulse",
                                         "--year", "2026"])  # fmt: skip
    campaign_id = roster_columns.output.strip()
    roster = client.get(f"/surveys/campaigns/{campaign_id}/roster").get_data(as_text=True)
    assert "assignment_end" in roster  # a survey of volunteers takes the volunteers' roster


def test_an_unknown_audience_or_one_contrary_to_a_shipped_survey_is_refused(
    app, runner, tmp_path
) -> None:
    bad = runner.invoke(args=["surveys", "form-import", _new_form(tmp_path, audience="donors")])
    assert bad.exit_code == 1
    assert "sheet settings, row 2, column audience: audience 'donors' must be one of" in bad.output
    shipped = _new_form(tmp_path, audience="partner", key="volunteer_exit")
    contrary = runner.invoke(args=["surveys", "form-import", shipped])
    assert contrary.exit_code == 1
    assert "the volunteer_exit survey asks volunteers, not partner" in contrary.output
