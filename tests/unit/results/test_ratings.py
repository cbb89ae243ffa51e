"""Ratings against targets: the 5% tolerance, its edge, direction and the non-rated states."""

from __future__ import annotations

import pytest

from portal.results.ratings import Status, rate, rating_fields


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
