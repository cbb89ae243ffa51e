"""Primary and complementary suppression: no small cell shown, none derivable by subtraction."""

from __future__ import annotations

import pandas as pd
import pytest

from portal.results.computations import survey_indicator
from portal.results.suppression import (
    BELOW_K,
    COMPLEMENTARY,
    PARTITIONS,
    CellSize,
    plan_suppression,
)


def test_partitions_are_declared_as_data() -> None:
    assert ("national", "international") in PARTITIONS
    assert ("onsite", "online") in PARTITIONS


def test_small_partition_member_suppresses_its_partner() -> None:
    plan = plan_suppression(CellSize(23), {"national": CellSize(3), "international": CellSize(20)})
    assert plan.groups == {"national": BELOW_K, "international": COMPLEMENTARY}
    assert plan.total is None


def test_partition_member_with_no_answers_hides_nothing() -> None:
    plan = plan_suppression(CellSize(20), {"online": CellSize(0), "onsite": CellSize(20)})
    assert plan.groups == {"online": BELOW_K, "onsite": None}


def test_member_with_only_excluded_answers_still_forces_complementary_suppression() -> None:
    plan = plan_suppression(CellSize(20, 2), {"online": CellSize(0, 2), "onsite": CellSize(20, 0)})
    assert plan.groups == {"online": BELOW_K, "onsite": COMPLEMENTARY}


def test_group_whose_complement_is_small_is_suppressed() -> None:
    # Total minus female would give the answers of the two other respondents.
    plan = plan_suppression(CellSize(20), {"female": CellSize(18)})
    assert plan.groups == {"female": COMPLEMENTARY}


def test_group_with_large_complement_is_shown() -> None:
    plan = plan_suppression(CellSize(20), {"female": CellSize(15), "disability": CellSize(2)})
    assert plan.groups == {"female": None, "disability": BELOW_K}


def test_small_unknown_remainder_of_a_partition_suppresses_its_smallest_member() -> None:
    # 2 respondents have no category: total - national - international would expose them.
    plan = plan_suppression(CellSize(32), {"national": CellSize(20), "international": CellSize(10)})
    assert plan.groups == {"national": None, "international": COMPLEMENTARY}


def test_total_below_k_suppresses_everything() -> None:
    plan = plan_suppression(CellSize(4, 10), {"female": CellSize(2)})
    assert plan.total == BELOW_K
    assert plan.groups == {"female": BELOW_K}


def test_group_larger_than_total_is_rejected() -> None:
    with pytest.raises(ValueError, match="larger than the total"):
        plan_suppression(CellSize(5), {"female": CellSize(6)})


def test_k_below_one_is_rejected() -> None:
    with pytest.raises(ValueError):
        plan_suppression(CellSize(5), {}, k=0)


def test_survey_figure_applies_complementary_suppression_to_the_partition() -> None:
    counts = pd.DataFrame(
        {
            "answer": ["fully_agree", "fully_agree", "neither"],
            "national": [True, False, False],
            "international": [False, True, True],
            "n": [3, 15, 5],
        }
    )
    figure = survey_indicator(counts)
    national, international = (figure["breakdown"][k] for k in ("national", "international"))
    assert national["suppressed"] and national["suppression"] == BELOW_K
    assert international["suppressed"] and international["suppression"] == COMPLEMENTARY
    assert international["value"] is None and international["numerator"] is None
    assert figure["value"] == 18 / 23


def test_overlapping_partition_members_are_rejected() -> None:
    with pytest.raises(ValueError, match="overlap"):
        plan_suppression(CellSize(10), {"national": CellSize(6), "international": CellSize(6)})


def test_response_in_two_members_of_a_partition_is_an_error() -> None:
    counts = pd.DataFrame({"answer": ["fully_agree"], "onsite": [True], "online": [True], "n": [9]})
    with pytest.raises(ValueError, match="onsite, online"):
        survey_indicator(counts)
