"""Ratings against targets: the 5% tolerance, its edge, direction and the non-rated states."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.results.ratings import Status, performance_percent, rate, rating_fields


def test_exactly_95_percent_of_target_is_green() -> None:
    # 0.95 * 0.9 is 0.8549999999999999 in binary floating point.
    assert rate(0.855, 0.9).status is Status.GREEN
    assert rate(171 / 200, 0.9).status is Status.GREEN


def test_just_under_95_percent_of_target_is_yellow() -> None:
    assert rate(0.8549, 0.9).status is Status.YELLOW


def test_at_or_above_target_is_green() -> None:
    assert rate(0.9, 0.9).status is Status.GREEN
    assert rate(0.97, 0.9).status is Status.GREEN


def test_performance_is_value_over_target() -> None:
    assert rate(0.72, 0.9).performance == pytest.approx(0.8)


def test_tolerance_is_configurable() -> None:
    assert rate(0.81, 0.9, tolerance=0.10).status is Status.GREEN
    assert rate(0.899, 0.9, tolerance=0.0).status is Status.YELLOW


def test_lower_is_better_is_green_up_to_5_percent_above_target() -> None:
    assert rate(105, 100, direction="lower").status is Status.GREEN
    assert rate(1.05 * 60, 60, direction="lower").status is Status.GREEN
    assert rate(80, 100, direction="lower").status is Status.GREEN


def test_lower_is_better_is_yellow_beyond_5_percent_above_target() -> None:
    assert rate(105.1, 100, direction="lower").status is Status.YELLOW


def test_no_target_is_no_target() -> None:
    assert rate(0.8, None) == rate(0.8, None, direction="lower")
    assert rate(0.8, None).status is Status.NO_TARGET
    assert rate(0.8, None).performance is None


def test_suppressed_or_missing_value_is_insufficient_data() -> None:
    assert rate(None, 0.9, suppressed=True).status is Status.INSUFFICIENT_DATA
    assert rate(None, 0.9).status is Status.INSUFFICIENT_DATA
    assert rate(None, None).status is Status.INSUFFICIENT_DATA


def test_zero_target_has_no_performance() -> None:
    assert rate(3, 0).performance is None
    assert rate(3, 0).status is Status.GREEN


def test_bad_direction_or_tolerance_is_rejected() -> None:
    with pytest.raises(ValueError):
        rate(1, 1, direction="up")
    with pytest.raises(ValueError):
        rate(1, 1, tolerance=1.5)


def test_rating_fields_are_the_api_keys() -> None:
    assert rating_fields(0.855, 0.9) == {
        "target": 0.9,
        "performance": pytest.approx(0.95),
        "status": "green",
    }
    assert rating_fields(None, 0.9, suppressed=True)["status"] == "insufficient_data"


@pytest.mark.parametrize(
    ("performance", "status", "direction", "printed"),
    [
        (0.9496, "yellow", "higher", "94.96"),  # one decimal would read 95.0: green
        (0.9504, "green", "higher", "95.0"),
        (0.95, "green", "higher", "95.0"),
        (0.94996, "yellow", "higher", "94.996"),
        (0.9499996, "yellow", "higher", "94.999"),  # past the last place: toward its side
        (0.8765, "yellow", "higher", "87.6"),  # half to even, as Babel prints it
        (1.0504, "yellow", "lower", "105.04"),
        (1.0496, "green", "lower", "105.0"),
        (0.9496, "no_target", "higher", "95.0"),
    ],
)
def test_performance_prints_one_decimal_and_more_only_where_the_rating_needs_it(
    performance: float, status: str, direction: str, printed: str
) -> None:
    assert performance_percent(performance, status, direction=direction) == Decimal(printed)


@given(
    value=st.floats(0, 5, allow_nan=False),
    target=st.floats(0.001, 5, allow_nan=False),
    tolerance=st.sampled_from([0.05, 0.1, 0.025, 1 / 30, 0.0]),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_printed_performance_always_reproduces_the_rating(
    value: float, target: float, tolerance: float, direction: str
) -> None:
    rating = rate(value, target, direction=direction, tolerance=tolerance)
    assert rating.performance is not None
    printed = performance_percent(
        rating.performance, rating.status, direction=direction, tolerance=tolerance
    )
    boundary = 100 * (
        1 - Decimal(repr(tolerance)) if direction == "higher" else 1 + Decimal(repr(tolerance))
    )
    reads_green = printed >= boundary if direction == "higher" else printed <= boundary
    assert reads_green == (rating.status is Status.GREEN)
    assert abs(printed - Decimal(repr(rating.performance)) * 100) <= Decimal("0.05")
    places = -int(printed.as_tuple().exponent)
    assert 1 <= places <= 3
