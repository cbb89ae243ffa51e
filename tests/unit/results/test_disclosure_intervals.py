"""The interval audit: bounds from shown counts and non-negative cells, as tau-ARGUS audits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog  # type: ignore[import-untyped]  # scipy ships no py.typed

import portal.results.intervals as intervals
import tests.unit.results.test_disclosure_properties as exact
from portal.results.computations import SUBSTANTIVE_ANSWERS, survey_indicator
from portal.results.disclosure import Table, audit
from portal.results.intervals import bounds, narrow_intervals
from portal.results.suppression import BELOW_K, COMPLEMENTARY, GROUP_KEYS, plan_suppression

# Eighteen volunteers: three overlapping groups, and one refugee in none of them.
SQUEEZED = [
    ("female+youth", 7),
    ("refugee", 1),
    ("youth+disability", 4),
    ("female+disability", 1),
    ("disability", 5),
]
SQUEEZED_GROUPS = ("female", "youth", "disability", "refugee")


def squeezed_table() -> tuple[Table, dict[str, list[bool]]]:
    members = [set(cell.split("+")) for cell, _ in SQUEEZED]
    groups = {key: [key in m for m in members] for key in SQUEEZED_GROUPS}
    valid = [n for _, n in SQUEEZED]
    table = Table.build([[True] * len(SQUEEZED), *groups.values()], valid, [0] * len(valid))
    return table, groups


def test_non_negativity_bounds_a_hidden_group_the_exact_audit_lets_through() -> None:
    table, groups = squeezed_table()
    # Total 18, female 8, youth 11, disability 10 shown; the refugee (1 answer) suppressed.
    shown = [True, True, True, True, False]
    assert table.figure_valid.tolist() == [18, 8, 11, 10, 1]
    # Not derivable, and no small set: the exact audit alone published this.
    assert audit(table, shown, k=5, protect=[False, False, False, False, True]) == []
    # refugee = 18 - female/youth - disability = 8 - x, and disability only = 2x - 9 >= 0
    # puts x = female+youth at 5 or more: at most 3 refugees answered.
    found = bounds(table, shown, 4)
    assert (found.lower, found.upper) == (0, 3)
    assert set(found.figures) == {0, 1, 2, 3}
    leaks = narrow_intervals(table, shown, k=5)
    assert [(leak.kind, leak.target, leak.interval, leak.valid) for leak in leaks] == [
        ("narrow_interval", 4, (0, 3), 1)
    ]
    # The plan now gives up the cheapest figure bounding it: female (8 valid answers).
    plan = plan_suppression([n for _, n in SQUEEZED], [0] * len(SQUEEZED), groups)
    assert plan.total is None
    assert plan.groups == {
        "female": COMPLEMENTARY, "youth": None, "disability": None, "refugee": BELOW_K,
    }  # fmt: skip
    widened = bounds(table, [True, False, True, True, False], 4)
    assert (widened.lower, widened.upper) == (0, 7)


def test_squeezed_group_is_protected_in_the_published_figure() -> None:
    rows = []
    for cell, n in SQUEEZED:
        members = set(cell.split("+"))
        rows.append({"answer": "fully_agree", "n": n, **{k: k in members for k in GROUP_KEYS}})
    figure = survey_indicator(pd.DataFrame(rows), groups=list(SQUEEZED_GROUPS))
    breakdown = figure["breakdown"]
    assert breakdown["refugee"]["suppression"] == BELOW_K
    assert breakdown["female"]["suppression"] == COMPLEMENTARY
    assert breakdown["female"]["valid_n"] is None
    assert (breakdown["youth"]["valid_n"], breakdown["disability"]["valid_n"]) == (11, 10)


def test_bounds_of_an_overlap_forced_above_zero() -> None:
    # Total 10, A 8 and B 8: at least 6 are in both, at most 8.
    table = Table.build(
        [[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 0]],
        valid=[7, 1, 1, 1],
        excluded=[0, 0, 0, 0],
    )
    found = bounds(table, [True, True, True, False], 3)
    assert (found.lower, found.upper, found.width) == (6, 8, 2)
    assert [leak.interval for leak in narrow_intervals(table, [True, True, True, False], k=3)] == [
        (6, 8)
    ]
    assert narrow_intervals(table, [True, True, True, False], k=2) == []


def test_figure_nothing_shown_bounds_is_unbounded() -> None:
    # Only the group is shown: the cells outside it can hold any number.
    table = Table.build([[1, 1], [1, 0], [0, 1]], valid=[6, 2], excluded=[0, 0])
    found = bounds(table, [False, True, False], 2)
    assert found.upper is None and found.width == math.inf
    assert narrow_intervals(table, [False, True, False], k=5) == []


def test_no_linear_programme_without_a_suppressed_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("linprog called")

    monkeypatch.setattr(intervals, "linprog", refuse)
    plan = plan_suppression([10, 12, 9], [1, 0, 0], {"female": [1, 0, 1], "youth": [0, 1, 1]})
    assert plan.groups == {"female": None, "youth": None}
    empty = Table.build([[1, 1], [0, 1]], valid=[3, 4], excluded=[0, 0])
    assert narrow_intervals(empty, [False, False], k=5) == []  # nothing shown


@st.composite
def overlapping(draw: st.DrawFn) -> list[dict[str, object]]:
    """A few cells over four freely overlapping groups: where non-negativity bites."""
    keys = ("female", "youth", "disability", "refugee")
    cells = draw(st.lists(st.tuples(*[st.booleans()] * 4), min_size=1, max_size=7, unique=True))
    rows: list[dict[str, object]] = []
    for cell in cells:
        flags = dict(zip(keys, cell, strict=True))
        for answer in draw(st.lists(st.sampled_from(exact.ANSWERS), min_size=1, max_size=2)):
            rows.append({"answer": answer, "n": draw(st.integers(0, 9)), **flags})
    return rows


def lp_bounds(
    target: list[int], equations: list[list[int]], counts: list[int]
) -> tuple[float, float]:
    """The interval of target . v over v >= 0 with equations @ v == counts, by plain linprog."""
    if not equations:
        return 0.0, math.inf
    low = linprog(target, A_eq=equations, b_eq=counts, bounds=(0, None), method="highs")
    high = linprog(
        [-t for t in target], A_eq=equations, b_eq=counts, bounds=(0, None), method="highs"
    )
    assert low.status == 0 and high.status in (0, 3)
    return low.fun, math.inf if high.status == 3 else -high.fun


def check_intervals(data: list[dict[str, object]], k: int) -> None:
    """Every figure suppressed below k that rests on someone keeps an interval k wide.

    Recomputed from the raw rows and the published payload: one unknown per distinct membership
    (unknown flags as not a member), each shown figure's published valid_n as an equation. A
    group nobody belongs to is "no data": nothing to protect. A complementary suppression holds
    k or more valid answers by construction: it hides no small count of its own.
    """
    frame = pd.DataFrame(data, columns=["answer", "n", *GROUP_KEYS])
    result = survey_indicator(frame, k=k)
    cells = sorted({tuple(r.get(key) is True for key in GROUP_KEYS) for r in data if r["n"]})
    valid = [0] * len(cells)
    respondents = [0] * len(cells)
    for r in data:
        if r["n"]:
            at = cells.index(tuple(r.get(key) is True for key in GROUP_KEYS))
            respondents[at] += int(r["n"])  # type: ignore[call-overload]
            valid[at] += int(r["n"]) if r["answer"] in SUBSTANTIVE_ANSWERS else 0  # type: ignore[call-overload]
    figures = {None: result, **result["breakdown"]}
    vectors = {
        key: [int(key is None or cell[GROUP_KEYS.index(key)]) for cell in cells] for key in figures
    }
    equations = [vectors[key] for key, f in figures.items() if not f["suppressed"]]
    counts = [int(f["valid_n"]) for f in figures.values() if not f["suppressed"]]
    for key, figure in figures.items():
        if not figure["suppressed"] or not np.dot(vectors[key], respondents):
            continue
        if figure["suppression"] == COMPLEMENTARY:
            assert np.dot(vectors[key], valid) >= k
            continue
        low, high = lp_bounds(vectors[key], equations, counts)
        if high < math.inf:
            width = math.floor(high + 1e-6) - math.ceil(low - 1e-6)
            assert width >= k, (key, low, high)


ks = st.integers(min_value=1, max_value=6)


@settings(max_examples=100, deadline=None)
@given(overlapping(), ks)
def test_no_primary_figure_is_bounded_narrower_than_k(
    data: list[dict[str, object]], k: int
) -> None:
    check_intervals(data, k)


@settings(max_examples=100, deadline=None)
@given(exact.population(), ks)
def test_no_primary_figure_of_a_real_shaped_table_is_bounded_narrower_than_k(
    data: list[dict[str, object]], k: int
) -> None:
    check_intervals(data, k)
