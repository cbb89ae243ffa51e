"""Primary and complementary suppression: no small cell shown, none derivable by subtraction."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

from portal.results.computations import survey_indicator
from portal.results.suppression import (
    BELOW_K,
    COMPLEMENTARY,
    PARTITIONS,
    SuppressionPlan,
    plan_suppression,
)

Cell = tuple[str, int] | tuple[str, int, int]


def planned(cells: Sequence[Cell], groups: Sequence[str], k: int = 5) -> SuppressionPlan:
    """The plan of a table given as cells: ("group+group", valid[, excluded]); "" is no group."""
    members = [set(cell[0].split("+")) - {""} for cell in cells]
    return plan_suppression(
        [cell[1] for cell in cells],
        [cell[2] if len(cell) == 3 else 0 for cell in cells],
        {key: [key in m for m in members] for key in groups},
        k=k,
    )


def test_partitions_are_declared_as_data() -> None:
    assert ("national", "international") in PARTITIONS
    assert ("onsite", "online") in PARTITIONS


def test_small_partition_member_suppresses_its_partner() -> None:
    plan = planned([("national", 3), ("international", 20)], ("national", "international"))
    assert plan.groups == {"national": BELOW_K, "international": COMPLEMENTARY}
    assert plan.total is None


def test_partition_member_with_no_answers_hides_nothing() -> None:
    plan = planned([("onsite", 20)], ("online", "onsite"))
    assert plan.groups == {"online": BELOW_K, "onsite": None}


def test_member_with_only_excluded_answers_still_forces_complementary_suppression() -> None:
    plan = planned([("online", 0, 2), ("onsite", 20, 0)], ("online", "onsite"))
    assert plan.groups == {"online": BELOW_K, "onsite": COMPLEMENTARY}


def test_group_whose_complement_is_small_is_suppressed() -> None:
    # Total minus female would give the answers of the two other respondents.
    plan = planned([("female", 18), ("", 2)], ("female",))
    assert plan.groups == {"female": COMPLEMENTARY}


def test_group_with_large_complement_is_shown() -> None:
    # The two disabled respondents are women: female minus disability still holds 13.
    cells: list[Cell] = [("female+disability", 2), ("female", 13), ("", 5)]
    plan = planned(cells, ("female", "disability"))
    assert plan.groups == {"female": None, "disability": BELOW_K}


def test_small_unknown_remainder_of_a_partition_suppresses_its_smallest_member() -> None:
    # 2 respondents have no category: total - national - international would expose them.
    plan = planned(
        [("national", 20), ("international", 10), ("", 2)], ("national", "international")
    )
    assert plan.groups == {"national": None, "international": COMPLEMENTARY}


def test_total_below_k_suppresses_everything() -> None:
    plan = planned([("female", 2), ("", 2, 10)], ("female",))
    assert plan.total == BELOW_K
    assert plan.groups == {"female": BELOW_K}


def test_negative_count_is_rejected() -> None:
    # Groups are sets of cells now, never larger than the total; a count can still be wrong.
    with pytest.raises(ValueError, match="negative count"):
        planned([("female", 6), ("", -1)], ("female",))


def test_k_below_one_is_rejected() -> None:
    with pytest.raises(ValueError):
        planned([("", 5)], (), k=0)


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
        planned([("national+international", 6), ("", 4)], ("national", "international"))


def test_response_in_two_members_of_a_partition_is_an_error() -> None:
    counts = pd.DataFrame({"answer": ["fully_agree"], "onsite": [True], "online": [True], "n": [9]})
    with pytest.raises(ValueError, match="onsite, online"):
        survey_indicator(counts)
