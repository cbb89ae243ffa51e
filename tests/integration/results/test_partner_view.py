"""A partner's own results: their organisation's partner-survey answers only, k or more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.results.computations import survey_indicator
from portal.results.partner_results import organisation_results
from portal.results.providers import ComputeContext
from portal.results.reporting import ReportingConfig
from tests.conftest import Auth
from tests.factories import make_org, make_user
from tests.integration.results import builders


class OrganisationProvider:
    """A partner-survey provider that honours `organisation_id`, recording what it was asked."""

    def __init__(self, answers_by_org: dict[int, list[str]]) -> None:
        self.answers_by_org = answers_by_org
        self.asked: list[dict[str, Any]] = []

    def __call__(self, session: Session, code: str, spec: dict, context: ComputeContext) -> dict:
        self.asked.append(spec)
        answers = self.answers_by_org.get(spec["organisation_id"], [])
        counts = pd.DataFrame({"answer": answers, "n": [1] * len(answers)})
        figure = dict(survey_indicator(counts, groups=[], k=context.suppress_below))
        return {**figure, "organisation_id": spec["organisation_id"]}


def _current_rows(page: str) -> list[str]:
    """The reporting year's row of each tile's table."""
    return [part.split("</tr>")[0] for part in page.split('<tr class="glance-table__current">')[1:]]


def _partner(session: Session, auth: Auth) -> Any:
    org = make_org(session, "un_entity")
    user = make_user(session, "partner", org=org)
    session.commit()
    auth.login(user.email)
    return org


def test_partner_sees_own_figures_from_k_answers_and_never_a_breakdown(
    app: Flask, session: Session, client: FlaskClient, auth: Auth
) -> None:
    org = _partner(session, auth)
    provider = OrganisationProvider({org.id: ["fully_agree"] * 5 + ["fully_disagree"]})
    app.extensions["indicator_providers"]["partner_survey"] = provider

    page = client.get("/results/partner?year=2024").get_data(as_text=True)

    assert {spec["organisation_id"] for spec in provider.asked} == {org.id}
    assert all(spec["breakdown"] == [] for spec in provider.asked)
    rows = _current_rows(page)
    assert len(rows) == 2 and all("83.3%" in row for row in rows)  # 1.2 and 2.2, 5 of 6 valid
    assert page.count('class="chart chart-target"') == 2
    assert "Our results 2024" in page


def test_partner_with_fewer_than_k_answers_sees_no_figure(
    app: Flask, session: Session, client: FlaskClient, auth: Auth
) -> None:
    org = _partner(session, auth)
    app.extensions["indicator_providers"]["partner_survey"] = OrganisationProvider(
        {org.id: ["fully_agree"] * 4}
    )

    page = client.get("/results/partner?year=2024").get_data(as_text=True)

    assert "100.0%" not in page
    rows = _current_rows(page)
    assert len(rows) == 2
    assert all("Not shown: fewer than 5 answers from your organisation." in row for row in rows)


def test_a_provider_that_cannot_restrict_to_the_organisation_shows_nothing(
    session: Session, config: ReportingConfig
) -> None:
    own, other = make_org(session, "un_entity"), make_org(session, "un_entity")
    partner_2024 = builders.campaign(session, "partner", 2024)
    for _ in range(6):
        builders.partner_answer(session, partner_2024, own, {"expectations_met": "fully_agree"})
        builders.partner_answer(
            session, partner_2024, other, {"expectations_met": "fully_disagree"}
        )

    results = organisation_results(session, own.id, 2024, config)

    for row in results["indicators"]:
        # Either the provider restricted the figure to the organisation, or nothing is shown.
        assert row["value"] in (None, 1.0)
        assert row["shown"] == (row["value"] is not None)


@pytest.mark.parametrize("role", ["staff", "contributor"])
def test_only_partners_open_the_partner_view(signed_in: Callable, role: str) -> None:
    client = signed_in(role, "cso" if role == "contributor" else None)

    assert client.get("/results/partner").status_code == 403
