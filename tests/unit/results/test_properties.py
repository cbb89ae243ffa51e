"""Property-based tests of the survey computations over arbitrary grouped answer counts."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.results.computations import (
    NON_SUBSTANTIVE_ANSWERS,
    SUBSTANTIVE_ANSWERS,
    survey_indicator,
)
from portal.results.suppression import GROUP_KEYS, PARTITIONS

ANSWERS = (*SUBSTANTIVE_ANSWERS, *NON_SUBSTANTIVE_ANSWERS, None)
GROUPS = ("female", "national", "international", "onsite", "online", "youth", "disability")

FLAG = st.sampled_from((True, False, None))


@st.composite
def row(draw: st.DrawFn) -> dict[str, object]:
    """One grouped-count row; a respondent is in at most one member of each partition."""
    drawn: dict[str, object] = {
        "answer": draw(st.sampled_from(ANSWERS)),
        "n": draw(st.integers(min_value=0, max_value=25)),
        "female": draw(FLAG),
        "youth": draw(FLAG),
        "disability": draw(FLAG),
    }
    for partition in (("national", "international"), ("onsite", "online")):
        member = draw(st.sampled_from((*partition, None)))
        drawn.update({key: None if member is None else key == member for key in partition})
    return drawn


rows = st.lists(row(), max_size=40)
ks = st.integers(min_value=1, max_value=8)


def frame(data: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(data, columns=["answer", "n", *GROUPS])


def brute_force(data: list[dict[str, object]], key: str | None) -> tuple[int, int, int]:
    """(numerator, valid, excluded) counted row by row, the slow obvious way."""
    numerator = valid = excluded = 0
    for r in data:
        if key is not None and r[key] is not True:
            continue
        n = int(r["n"])  # type: ignore[call-overload]
        if r["answer"] in SUBSTANTIVE_ANSWERS:
            valid += n
            numerator += n if r["answer"] in ("fully_agree", "somewhat_agree") else 0
        else:
            excluded += n
    return numerator, valid, excluded


def figures(result: dict) -> dict[str | None, dict]:
    return {None: result, **result["breakdown"]}


@settings(max_examples=200, deadline=None)
@given(rows, ks)
def test_value_is_numerator_over_valid_n(data: list[dict[str, object]], k: int) -> None:
    for figure in figures(survey_indicator(frame(data), k=k)).values():
        if not figure["suppressed"]:
            assert figure["value"] == figure["numerator"] / figure["valid_n"]


@settings(max_examples=200, deadline=None)
@given(rows, ks)
def test_parts_add_up_to_the_value(data: list[dict[str, object]], k: int) -> None:
    for figure in figures(survey_indicator(frame(data), k=k)).values():
        if not figure["suppressed"]:
            assert math.isclose(sum(figure["parts"].values()), figure["value"], abs_tol=1e-12)


@settings(max_examples=200, deadline=None)
@given(rows, ks)
def test_excluded_codes_never_enter_the_denominator(data: list[dict[str, object]], k: int) -> None:
    for key, figure in figures(survey_indicator(frame(data), k=k)).items():
        numerator, valid, excluded = brute_force(data, key)
        if not figure["suppressed"]:
            assert (figure["numerator"], figure["valid_n"]) == (numerator, valid)
            assert figure["excluded_n"] == excluded == sum(figure["excluded"].values())


@settings(max_examples=200, deadline=None)
@given(rows, ks)
def test_interval_contains_the_value_inside_zero_one(data: list[dict[str, object]], k: int) -> None:
    for figure in figures(survey_indicator(frame(data), k=k)).values():
        if not figure["suppressed"]:
            low, high = figure["ci95"]
            assert 0.0 <= low <= figure["value"] <= high <= 1.0


@settings(max_examples=200, deadline=None)
@given(rows, ks)
def test_figures_below_k_are_suppressed_and_carry_no_number(
    data: list[dict[str, object]], k: int
) -> None:
    for key, figure in figures(survey_indicator(frame(data), k=k)).items():
        if brute_force(data, key)[1] < k:
            assert figure["suppressed"]
        if figure["suppressed"]:
            assert figure["value"] is None
            assert figure["numerator"] is None
            assert figure["valid_n"] is None
            assert figure["parts"] is None and figure["ci95"] is None


@settings(max_examples=400, deadline=None)
@given(rows, ks)
def test_no_small_cell_is_a_shown_total_minus_shown_parts(
    data: list[dict[str, object]], k: int
) -> None:
    result = survey_indicator(frame(data), k=k)
    if result["suppressed"]:
        return
    shown = {key for key, f in result["breakdown"].items() if not f["suppressed"]}
    partitions = [p for p in PARTITIONS if set(p) <= set(GROUPS)] + [(key,) for key in GROUPS]
    for members in partitions:
        numerator = result["numerator"]
        valid = result["valid_n"]
        respondents = valid + result["excluded_n"]
        for key in members:
            if key in shown:
                f = result["breakdown"][key]
                numerator -= f["numerator"]
                valid -= f["valid_n"]
                respondents -= f["valid_n"] + f["excluded_n"]
        # What subtraction reveals is either nothing or a cell of at least k valid answers...
        assert respondents == 0 or valid >= k
        # ...and never exactly one suppressed member's figure.
        hidden = [key for key in members if key not in shown and sum(brute_force(data, key)[1:])]
        if len(hidden) == 1:
            cell = brute_force(data, hidden[0])
            assert (numerator, valid, respondents - valid) != cell


def test_group_keys_cover_the_thirteen_breakdowns() -> None:
    assert len(GROUP_KEYS) == 13 and set(GROUPS) <= set(GROUP_KEYS)
