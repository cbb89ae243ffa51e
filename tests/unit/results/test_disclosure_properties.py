"""Property tests of suppression by audit, checked by brute force with exact rationals."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.results.computations import (
    NON_SUBSTANTIVE_ANSWERS,
    SUBSTANTIVE_ANSWERS,
    survey_indicator,
)
from portal.results.disclosure import Table, audit
from portal.results.suppression import BELOW_K, GROUP_KEYS

ANSWERS = (*SUBSTANTIVE_ANSWERS, *NON_SUBSTANTIVE_ANSWERS, None)
FLAG = st.sampled_from((True, False, None))
ORIGIN_MEMBERS = ("africa", "sids", "ldc", "lldc")
Vector = tuple[int, ...]


@st.composite
def respondent_row(draw: st.DrawFn, nested: bool) -> dict[str, object]:
    """One grouped-count row with the real structure of the groups."""
    drawn: dict[str, object] = {
        "answer": draw(st.sampled_from(ANSWERS)),
        "n": draw(st.integers(min_value=0, max_value=7)),
        **{key: draw(FLAG) for key in ("female", "youth", "disability", "refugee")},
    }
    for partition in (("national", "international"), ("onsite", "online")):
        member = draw(st.sampled_from((*partition, None)))
        drawn.update({key: None if member is None else key == member for key in partition})
    if draw(st.booleans()):  # nationality known
        origin = {key: draw(st.booleans()) for key in ORIGIN_MEMBERS}
        # Africa, SIDS, LDC and LLDC countries are Global South in the real table.
        south = draw(st.booleans()) or (nested and any(origin.values()))
        drawn.update(origin, global_south=south)
    else:
        drawn.update(dict.fromkeys((*ORIGIN_MEMBERS, "global_south")))
    return drawn


@st.composite
def population(draw: st.DrawFn) -> list[dict[str, object]]:
    nested = draw(st.booleans())  # most of the time the M49 nesting holds, not always
    return draw(st.lists(respondent_row(nested), max_size=25))


def published(data: list[dict[str, object]], k: int) -> tuple[list[Vector], list[Vector], dict]:
    """Run the computation; return the shown and the suppressed figures as cell vectors."""
    frame = pd.DataFrame(data, columns=["answer", "n", *GROUP_KEYS])
    result = survey_indicator(frame, k=k)
    # Independent cells: distinct memberships of rows holding answers, None as not a member.
    cells = sorted({tuple(r[key] is True for key in GROUP_KEYS) for r in data if r["n"]})
    figures = {None: result, **result["breakdown"]}
    shown, hidden = [], []
    for key, figure in figures.items():
        column = None if key is None else GROUP_KEYS.index(key)
        vector = tuple(int(column is None or cell[column]) for cell in cells)
        (hidden if figure["suppressed"] else shown).append(vector)
    counts = {"valid": [0] * len(cells), "respondents": [0] * len(cells)}
    for r in data:
        if r["n"]:
            at = cells.index(tuple(r[key] is True for key in GROUP_KEYS))
            counts["respondents"][at] += int(r["n"])  # type: ignore[call-overload]
            counts["valid"][at] += int(r["n"]) if r["answer"] in SUBSTANTIVE_ANSWERS else 0  # type: ignore[call-overload]
    return shown, hidden, counts


def rank(rows: list[Vector]) -> int:
    """Rank over the rationals, by plain Gaussian elimination on Fractions."""
    matrix = [[Fraction(x) for x in row] for row in rows]
    found = 0
    for column in range(len(matrix[0]) if matrix else 0):
        pivot = next((i for i in range(found, len(matrix)) if matrix[i][column]), None)
        if pivot is None:
            continue
        matrix[found], matrix[pivot] = matrix[pivot], matrix[found]
        for i in range(len(matrix)):
            if i != found and matrix[i][column]:
                ratio = matrix[i][column] / matrix[found][column]
                matrix[i] = [a - ratio * b for a, b in zip(matrix[i], matrix[found], strict=True)]
        found += 1
    return found


def in_span(target: Vector, rows: list[Vector]) -> bool:
    return rank([*rows, target]) == rank(rows)


ks = st.integers(min_value=1, max_value=6)


@settings(max_examples=200, deadline=None)
@given(population(), ks)
def test_no_suppressed_figure_is_derivable_from_the_shown_ones(
    data: list[dict[str, object]], k: int
) -> None:
    shown, hidden, _ = published(data, k)
    for vector in hidden:
        assert not any(vector) or not in_span(vector, shown)


@settings(max_examples=200, deadline=None)
@given(population(), ks)
def test_no_shown_pair_differs_by_one_to_k_minus_one_valid_answers(
    data: list[dict[str, object]], k: int
) -> None:
    shown, _, counts = published(data, k)
    for a, b in itertools.permutations(shown, 2):
        if all(x <= y for x, y in zip(a, b, strict=True)):  # a inside b: b - a is a set
            rest = [y - x for x, y in zip(a, b, strict=True)]
            respondents = sum(r * n for r, n in zip(rest, counts["respondents"], strict=True))
            valid = sum(r * n for r, n in zip(rest, counts["valid"], strict=True))
            assert respondents == 0 or valid >= k


@settings(max_examples=200, deadline=None)
@given(population(), ks)
def test_no_signed_combination_of_three_shown_figures_isolates_a_small_set(
    data: list[dict[str, object]], k: int
) -> None:
    shown, _, counts = published(data, k)
    if not shown or not shown[0]:
        return
    matrix = np.array(shown, dtype=np.int64)
    signs = np.array(list(itertools.product((-1, 0, 1), repeat=min(3, len(shown)))))
    for chosen in itertools.combinations(range(len(shown)), min(3, len(shown))):
        vectors = signs @ matrix[list(chosen)]
        for vector in vectors[((vectors == 0) | (vectors == 1)).all(axis=1) & vectors.any(axis=1)]:
            valid = int(vector @ np.array(counts["valid"]))
            assert valid >= k


@settings(max_examples=200, deadline=None)
@given(population(), ks)
def test_below_k_is_primary_and_the_total_is_kept_when_it_can_be(
    data: list[dict[str, object]], k: int
) -> None:
    frame = pd.DataFrame(data, columns=["answer", "n", *GROUP_KEYS])
    result = survey_indicator(frame, k=k)
    total_valid = sum(int(r["n"]) for r in data if r["answer"] in SUBSTANTIVE_ANSWERS)  # type: ignore[call-overload]
    assert result["suppressed"] is (total_valid < k)
    for key, figure in result["breakdown"].items():
        valid = sum(
            int(r["n"])  # type: ignore[call-overload]
            for r in data
            if r[key] is True and r["answer"] in SUBSTANTIVE_ANSWERS
        )
        assert (figure["suppression"] == BELOW_K) is (valid < k)


# The audit itself against brute force, on small random tables.
@st.composite
def table(draw: st.DrawFn) -> tuple[list[Vector], list[int], list[int], list[bool]]:
    cells = draw(st.integers(min_value=1, max_value=9))
    figures = draw(st.integers(min_value=1, max_value=7))
    bits = st.lists(st.integers(0, 1), min_size=cells, max_size=cells)
    membership = [tuple(row) for row in draw(st.lists(bits, min_size=figures, max_size=figures))]
    valid = draw(st.lists(st.integers(0, 6), min_size=cells, max_size=cells))
    excluded = draw(st.lists(st.integers(0, 2), min_size=cells, max_size=cells))
    shown = draw(st.lists(st.booleans(), min_size=figures, max_size=figures))
    return membership, valid, excluded, shown


@settings(max_examples=200, deadline=None)
@given(table(), ks)
def test_audit_agrees_with_brute_force(
    drawn: tuple[list[Vector], list[int], list[int], list[bool]], k: int
) -> None:
    membership, valid, excluded, shown = drawn
    audited = Table.build(membership, valid, excluded)
    leaks = audit(audited, shown, k=k)
    # Brute force on the audit's cells (non-empty, merged), with the independent rank.
    rows = [tuple(int(x) for x in row) for row in audited.membership]
    visible = [row for row, s in zip(rows, shown, strict=True) if s]
    expected_targets = {
        i for i, row in enumerate(rows) if not shown[i] and any(row) and in_span(row, visible)
    }
    assert {leak.target for leak in leaks if leak.kind == "derivable"} == expected_targets
    expected_sets = set()
    cell_count = len(audited.valid)
    for size in range(1, cell_count + 1):
        for subset in itertools.combinations(range(cell_count), size):
            if sum(int(audited.valid[c]) for c in subset) >= k or not visible:
                continue
            vector = tuple(int(c in subset) for c in range(cell_count))
            if in_span(vector, visible):
                expected_sets.add(subset)
    assert {leak.cells for leak in leaks if leak.kind == "small_difference"} == expected_sets
    for leak in leaks:  # the figures named do take part, and are shown ones
        assert leak.figures and all(shown[f] for f in leak.figures)
