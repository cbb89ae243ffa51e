"""Fixed-data tests pinning the survey rules of INDICATORS.md on the computations."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pandas as pd
import pytest

from portal.results.computations import (
    count_indicator,
    is_youth,
    origin_groups,
    reporting_year,
    response_rate,
    share_indicator,
    survey_indicator,
    wilson_interval,
)


def frame(*rows: tuple[str | None, int], **flags: list[bool | None]) -> pd.DataFrame:
    """Answer counts: one (answer, n) pair per row, plus optional group columns."""
    data: dict[str, list[object]] = {
        "answer": [answer for answer, _ in rows],
        "n": [n for _, n in rows],
    }
    data.update(flags)
    return pd.DataFrame(data)


SCALE = frame(
    ("fully_agree", 6),
    ("somewhat_agree", 2),
    ("neither", 1),
    ("fully_disagree", 1),
    ("dont_know", 3),
    ("not_applicable", 1),
    (None, 4),
)


def test_value_is_agreeing_over_substantive_answers_only() -> None:
    figure = survey_indicator(SCALE)
    assert figure["valid_n"] == 10
    assert figure["numerator"] == 8
    assert figure["value"] == 0.8


def test_dont_know_not_applicable_and_skipped_are_reported_as_excluded() -> None:
    figure = survey_indicator(SCALE)
    assert figure["excluded_n"] == 8
    assert figure["excluded"] == {"dont_know": 3, "not_applicable": 1, "skipped": 4}


def test_parts_are_fully_and_somewhat_agree_shares_of_valid_answers() -> None:
    figure = survey_indicator(SCALE)
    assert figure["parts"] == {"fully_agree": 0.6, "somewhat_agree": 0.2}


def test_nan_answer_counts_as_skipped() -> None:
    counts = frame(("fully_agree", 5), (None, 2))
    counts.loc[1, "answer"] = float("nan")
    assert survey_indicator(counts)["excluded"] == {
        "dont_know": 0,
        "not_applicable": 0,
        "skipped": 2,
    }


def test_interval_is_the_wilson_score_interval() -> None:
    low, high = survey_indicator(SCALE)["ci95"] or (0, 0)
    assert math.isclose(low, 0.4901624, abs_tol=1e-6)
    assert math.isclose(high, 0.9433178, abs_tol=1e-6)


def test_wilson_interval_at_the_edges_reaches_zero_and_one() -> None:
    assert wilson_interval(0, 10)[0] == 0.0
    assert math.isclose(wilson_interval(0, 10)[1], 0.2775328, abs_tol=1e-6)
    assert wilson_interval(10, 10)[1] == 1.0


def test_wilson_interval_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_response_rate_is_completed_over_invited() -> None:
    figure = survey_indicator(SCALE, invited=40, completed=18)
    assert (figure["invited"], figure["completed"], figure["response_rate"]) == (40, 18, 0.45)


def test_response_rate_without_invitations_is_none() -> None:
    assert response_rate(0, 0) is None
    assert response_rate(None, 3) is None


def test_response_rate_rejects_more_completions_than_invitations() -> None:
    with pytest.raises(ValueError, match="between 0 and invited"):
        response_rate(10, 11)


def test_k_minus_one_valid_answers_are_suppressed() -> None:
    figure = survey_indicator(frame(("fully_agree", 4), ("dont_know", 9)))
    assert figure["suppressed"] is True
    assert figure["value"] is None
    assert figure["suppression"] == "below_k"


def test_k_valid_answers_are_shown() -> None:
    figure = survey_indicator(frame(("fully_agree", 4), ("fully_disagree", 1)))
    assert figure["suppressed"] is False
    assert figure["value"] == 0.8


def test_k_is_configurable() -> None:
    counts = frame(("fully_agree", 9))
    assert survey_indicator(counts, k=10)["suppressed"] is True
    assert survey_indicator(counts, k=9)["suppressed"] is False


def test_suppressed_figure_carries_no_number_that_reveals_it() -> None:
    figure = survey_indicator(frame(("fully_agree", 3), ("dont_know", 2)))
    hidden = ("value", "numerator", "valid_n", "excluded_n", "excluded", "ci95", "parts")
    assert all(figure[key] is None for key in hidden)


def test_breakdown_counts_only_rows_flagged_true() -> None:
    counts = frame(
        ("fully_agree", 6),
        ("neither", 4),
        ("fully_agree", 5),
        ("somewhat_disagree", 5),
        female=[True, True, False, None],
    )
    female = survey_indicator(counts)["breakdown"]["female"]
    assert (female["numerator"], female["valid_n"], female["value"]) == (6, 10, 0.6)


def test_breakdown_accepts_pandas_nullable_booleans() -> None:
    counts = frame(("fully_agree", 6), ("neither", 7), youth=[True, None])
    counts["youth"] = counts["youth"].astype("boolean")
    assert survey_indicator(counts)["breakdown"]["youth"]["suppressed"] is False
    assert survey_indicator(counts)["breakdown"]["youth"]["valid_n"] == 6


def test_breakdown_follows_the_requested_groups() -> None:
    counts = frame(("fully_agree", 20), female=[True], youth=[False])
    assert list(survey_indicator(counts, groups=["youth"])["breakdown"]) == ["youth"]
    assert list(survey_indicator(counts)["breakdown"]) == ["female", "youth"]


def test_missing_requested_group_column_is_an_error() -> None:
    with pytest.raises(ValueError, match="refugee"):
        survey_indicator(frame(("fully_agree", 20)), groups=["refugee"])


def test_unknown_answer_code_is_an_error() -> None:
    with pytest.raises(ValueError, match="agree_a_lot"):
        survey_indicator(frame(("agree_a_lot", 3)))


def test_negative_or_fractional_counts_are_an_error() -> None:
    with pytest.raises(ValueError, match="whole number"):
        survey_indicator(frame(("fully_agree", -1)))
    with pytest.raises(ValueError, match="whole number"):
        survey_indicator(pd.DataFrame({"answer": ["fully_agree"], "n": [1.5]}))


def test_unknown_column_is_an_error() -> None:
    with pytest.raises(ValueError, match="gender"):
        survey_indicator(frame(("fully_agree", 5), gender=[True]))


def test_group_column_with_other_values_is_an_error() -> None:
    with pytest.raises(ValueError, match="female"):
        survey_indicator(frame(("fully_agree", 5), female=["yes"]))  # type: ignore[list-item]


def test_no_answers_at_all_is_suppressed() -> None:
    figure = survey_indicator(pd.DataFrame({"answer": [], "n": []}))
    assert figure["suppressed"] is True


@pytest.mark.parametrize(("age", "youth"), [(17, False), (18, True), (29, True), (30, False)])
def test_youth_is_18_to_29_at_assignment_start(age: int, youth: bool) -> None:
    assert is_youth(age) is youth


def test_unknown_age_is_neither_youth_nor_not() -> None:
    assert is_youth(None) is None


ANGOLA = {"region": "Africa", "ldc": "yes", "lldc": "no", "sids": "no", "developing_2017": "yes"}
FRANCE = {"region": "Europe", "ldc": "no", "lldc": "no", "sids": "no", "developing_2017": "no"}


def test_origin_groups_follow_the_m49_flags() -> None:
    assert origin_groups(ANGOLA) == {
        "global_south": True,
        "africa": True,
        "sids": False,
        "ldc": True,
        "lldc": False,
    }
    assert origin_groups(FRANCE)["global_south"] is False


def test_global_south_definition_is_configurable() -> None:
    row = {**FRANCE, "g77": "yes"}
    assert origin_groups(row, global_south_flag="g77")["global_south"] is True


def test_missing_global_south_column_is_an_error() -> None:
    with pytest.raises(ValueError, match="g77"):
        origin_groups(FRANCE, global_south_flag="g77")


def test_empty_m49_flag_and_unknown_nationality_are_unknown() -> None:
    antarctica = {"region": "", "ldc": "no", "lldc": "no", "sids": "no", "developing_2017": ""}
    assert origin_groups(antarctica)["global_south"] is None
    assert origin_groups(antarctica)["africa"] is None
    assert set(origin_groups(None).values()) == {None}


def test_exit_answer_given_on_31_december_counts_for_that_year() -> None:
    assert reporting_year(2025, date(2024, 12, 31), "volunteer_exit") == 2024
    late = datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert reporting_year(2025, late, "volunteer_exit") == 2024


def test_exit_answer_year_is_taken_in_utc() -> None:
    new_year_in_geneva = datetime(2025, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert reporting_year(2025, new_year_in_geneva, "volunteer_exit") == 2024


def test_partner_answer_counts_for_the_campaign_year() -> None:
    assert reporting_year(2024, date(2025, 1, 15), "partner") == 2024
    assert reporting_year(2024, None, "partner_survey") == 2024


def test_count_indicator_is_never_suppressed() -> None:
    figure = count_indicator(3, {"member_state": 1, "cso": 2})
    assert figure == {
        "value": 3,
        "suppressed": False,
        "breakdown": {
            "member_state": {"value": 1, "suppressed": False, "breakdown": {}},
            "cso": {"value": 2, "suppressed": False, "breakdown": {}},
        },
    }


def test_share_indicator_divides_and_has_no_value_without_denominator() -> None:
    assert share_indicator(3, 4)["value"] == 0.75
    assert share_indicator(0, 0)["value"] is None
    with pytest.raises(ValueError):
        share_indicator(5, 4)


def test_counts_as_database_drivers_return_them_are_accepted() -> None:
    # PostgreSQL SUM gives Decimal, SQLite gives booleans as 0/1.
    counts = frame(
        ("fully_agree", Decimal(7)),  # type: ignore[arg-type]
        ("neither", Decimal(3)),  # type: ignore[arg-type]
        female=[1, 0],  # type: ignore[list-item]
    )
    figure = survey_indicator(counts, k=3)
    assert (figure["value"], figure["breakdown"]["female"]["valid_n"]) == (0.7, 7)
