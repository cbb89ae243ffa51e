"""The disclosure audit: suppressed figures obtained from shown ones, small derived sets."""

from __future__ import annotations

import pandas as pd
import pytest

from portal.results.computations import survey_indicator
from portal.results.disclosure import Table, audit
from portal.results.suppression import BELOW_K, COMPLEMENTARY, plan_suppression

ORIGINS = ["global_south", "africa", "sids"]


def origin_row(answer: str, n: int, global_south: bool, africa: bool, sids: bool) -> dict:
    return {"answer": answer, "n": n, "global_south": global_south, "africa": africa, "sids": sids}


# A year where Global South is Africa plus three volunteers from Fiji (a SIDS outside Africa).
NESTED_YEAR = pd.DataFrame(
    [
        origin_row("fully_agree", 16, True, True, False),
        origin_row("fully_disagree", 24, True, True, False),
        origin_row("neither", 3, True, False, True),
        origin_row("fully_agree", 12, False, False, False),
        origin_row("somewhat_disagree", 8, False, False, False),
    ]
)


def test_audit_finds_sids_as_global_south_minus_africa() -> None:
    # Cells: Africa (40 valid), Fiji (3), the rest (20); figures: total, GS, Africa, SIDS.
    table = Table.build(
        [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 1, 0]], valid=[40, 3, 20], excluded=[0, 0, 0]
    )
    # What the partition rule published: Global South and Africa shown, SIDS suppressed.
    leaks = audit(table, [True, True, True, False], k=5)
    # SIDS itself, and the same three respondents as a small set of Global South minus Africa.
    assert [(leak.kind, leak.target, leak.valid) for leak in leaks] == [
        ("derivable", 3, 3),
        ("small_difference", None, 3),
    ]
    assert [set(leak.figures) for leak in leaks] == [{1, 2}, {1, 2}]


def test_nested_groups_no_longer_expose_sids() -> None:
    figure = survey_indicator(NESTED_YEAR, groups=ORIGINS)
    breakdown = figure["breakdown"]
    assert (breakdown["global_south"]["numerator"], breakdown["global_south"]["valid_n"]) == (
        16,
        43,
    )
    assert breakdown["sids"]["suppression"] == BELOW_K
    # Africa (16/40) would give SIDS = 16/43 - 16/40 = 0 of 3: the cheaper of the two goes.
    assert breakdown["africa"]["suppressed"] and breakdown["africa"]["suppression"] == COMPLEMENTARY
    assert breakdown["africa"]["numerator"] is None and breakdown["africa"]["valid_n"] is None
    assert (figure["numerator"], figure["valid_n"]) == (28, 63)


def test_overlapping_groups_whose_difference_is_below_k() -> None:
    # Ten women, eight of them disabled; every disabled volunteer is a woman.
    counts = pd.DataFrame(
        {
            "answer": ["fully_agree", "fully_disagree", "fully_agree", "neither"],
            "female": [True, True, False, False],
            "disability": [True, False, False, None],
            "n": [8, 2, 15, 5],
        }
    )
    figure = survey_indicator(counts, groups=["female", "disability"])
    female, disability = figure["breakdown"]["female"], figure["breakdown"]["disability"]
    # Female (8 of 10) minus disability (8 of 8) would tell that both other women disagreed.
    assert female["suppressed"] is False and female["valid_n"] == 10
    assert disability["suppressed"] and disability["suppression"] == COMPLEMENTARY
    table = Table.build([[1, 1, 1], [1, 1, 0], [1, 0, 0]], valid=[8, 2, 20], excluded=[0, 0, 0])
    leaks = audit(table, [True, True, True], k=5)
    assert [(leak.kind, leak.valid, set(leak.figures)) for leak in leaks] == [
        ("small_difference", 2, {1, 2})
    ]


def test_derivation_with_fractional_coefficients_is_found() -> None:
    # x + y + z covers every cell twice: the total is half their sum, no +-1 combination.
    table = Table.build(
        [[1, 1, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]], valid=[9, 9, 9], excluded=[0, 0, 0]
    )
    leaks = audit(table, [False, True, True, True], k=5)
    assert [(leak.kind, leak.target, set(leak.figures)) for leak in leaks] == [
        ("derivable", 0, {1, 2, 3})
    ]


def test_remainder_of_three_figures_is_a_small_set() -> None:
    # Total minus national minus international: the two respondents with no category.
    table = Table.build([[1, 1, 1], [1, 0, 0], [0, 1, 0]], valid=[20, 10, 2], excluded=[0, 0, 0])
    leaks = audit(table, [True, True, True], k=5)
    assert [(leak.kind, leak.valid, set(leak.figures)) for leak in leaks] == [
        ("small_difference", 2, {0, 1, 2})
    ]
    assert audit(table, [True, True, True], k=2) == []


def test_set_of_only_excluded_answers_is_a_leak() -> None:
    table = Table.build([[1, 1], [1, 0]], valid=[20, 0], excluded=[0, 3])
    leaks = audit(table, [True, True], k=5)
    assert [(leak.valid, leak.respondents) for leak in leaks] == [(0, 3)]


def test_figure_without_respondents_hides_nothing() -> None:
    table = Table.build([[1, 1], [0, 0], [1, 1]], valid=[10, 0], excluded=[0, 0])
    assert table.membership.shape == (3, 1)  # the empty cell is dropped
    assert audit(table, [True, False, True], k=5) == []


def test_cells_no_figure_tells_apart_are_merged() -> None:
    table = Table.build([[1, 1, 1], [1, 0, 1]], valid=[2, 3, 4], excluded=[1, 0, 0])
    assert sorted(table.valid.tolist()) == [3, 6]
    assert sorted(table.excluded.tolist()) == [0, 1]


def test_bad_tables_are_rejected() -> None:
    with pytest.raises(ValueError, match="one count per cell"):
        Table.build([[1, 1]], valid=[1], excluded=[1])
    with pytest.raises(ValueError, match="at most 16"):
        Table.build([[1]] * 17, valid=[1], excluded=[0])
    with pytest.raises(ValueError, match="k must be"):
        audit(Table.build([[1]], valid=[1], excluded=[0]), [True], k=0)


def test_ties_between_equally_cheap_figures_follow_group_order() -> None:
    # Youth (3) has no category: total - national - international gives it; both members have 10.
    valid, excluded = [10, 10, 3], [0, 0, 0]
    national, international, youth = [1, 0, 0], [0, 1, 0], [0, 0, 1]
    first = plan_suppression(
        valid, excluded, {"national": national, "international": international, "youth": youth}
    )
    assert first.groups == {"national": COMPLEMENTARY, "international": None, "youth": BELOW_K}
    second = plan_suppression(
        valid, excluded, {"international": international, "national": national, "youth": youth}
    )
    assert second.groups == {"international": COMPLEMENTARY, "national": None, "youth": BELOW_K}
    assert first.total is None and second.total is None
