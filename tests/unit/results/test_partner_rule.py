"""The privacy rule of a partner's own results, without Flask: what a partner may ever see."""

from __future__ import annotations

import pandas as pd

from portal.results.computations import count_indicator, survey_indicator
from portal.results.figures import IndicatorFigure
from portal.results.framework import Indicator
from portal.results.partner_results import partner_figure

INDICATOR = Indicator(
    code="1.2",
    titles={"en": "Partners satisfied", "fr": "Partenaires satisfaits"},
    unit="percent",
    direction="higher",
    source="partner_survey",
    outcome="1",
    output=None,
    question_key="expectations_met",
    parts=("fully_agree", "somewhat_agree"),
)
OWN, OTHER, K = 7, 8, 5


def _figure(answers: list[str], organisation_id: int | None = OWN, k: int = K) -> IndicatorFigure:
    counts = pd.DataFrame(
        {"answer": answers, "n": [1] * len(answers), "female": [True] * len(answers)}
    )
    figure = survey_indicator(counts, k=k, invited=50, completed=len(answers))
    if organisation_id is not None:
        figure["organisation_id"] = organisation_id
    return figure


def test_own_figure_on_k_valid_answers_is_shown_with_value_n_interval_and_parts() -> None:
    row = partner_figure(INDICATOR, _figure(["fully_agree"] * 5 + ["fully_disagree"]), OWN, K, "fr")

    assert (row["available"], row["shown"], row["valid_n"]) == (True, True, 6)
    assert row["value"] == 5 / 6
    assert row["parts"] == {"fully_agree": 5 / 6, "somewhat_agree": 0.0}
    assert row["ci95"] is not None and row["ci95"][0] < 5 / 6 < row["ci95"][1]
    assert row["title"] == "Partenaires satisfaits"


def test_figure_below_k_valid_answers_is_hidden() -> None:
    row = partner_figure(INDICATOR, _figure(["fully_agree"] * 4 + ["dont_know"] * 3), OWN, K, "en")

    assert (row["available"], row["shown"]) == (True, False)
    assert (row["value"], row["valid_n"], row["ci95"], row["parts"]) == (None, None, None, None)


def test_figure_a_provider_did_not_suppress_is_still_hidden_below_k() -> None:
    # The provider computed with k=3; the partner view holds to its own k.
    figure = _figure(["fully_agree"] * 4, k=3)
    assert figure["suppressed"] is False

    row = partner_figure(INDICATOR, figure, OWN, K, "en")

    assert row["shown"] is False and row["value"] is None


def test_figure_not_restricted_to_the_organisation_is_never_shown() -> None:
    many = ["fully_agree"] * 40
    for figure in (_figure(many, organisation_id=None), _figure(many, organisation_id=OTHER)):
        row = partner_figure(INDICATOR, figure, OWN, K, "en")
        assert (row["available"], row["shown"], row["value"], row["valid_n"]) == (
            False, False, None, None,
        )  # fmt: skip


def test_no_figure_is_not_available() -> None:
    row = partner_figure(INDICATOR, None, OWN, K, "en")

    assert (row["available"], row["shown"], row["value"]) == (False, False, None)


def test_breakdown_target_rating_and_response_rate_are_stripped() -> None:
    figure = _figure(["fully_agree"] * 20)
    assert figure["breakdown"]["female"]["value"] == 1.0

    row = partner_figure(INDICATOR, figure, OWN, K, "en")

    assert row["shown"] is True
    assert set(row) == {
        "code", "title", "available", "shown", "no_data", "value", "valid_n", "ci95", "parts",
    }  # fmt: skip


def test_a_count_figure_without_valid_answers_is_never_shown() -> None:
    figure = count_indicator(12)
    figure["organisation_id"] = OWN

    row = partner_figure(INDICATOR, figure, OWN, K, "en")

    assert (row["available"], row["shown"], row["value"]) == (True, False, None)
