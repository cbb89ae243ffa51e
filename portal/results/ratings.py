"""Performance against target and the green/yellow rating of the 2016-2017 report."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final, TypedDict

DEFAULT_TOLERANCE: Final = 0.05
# Figures arrive as binary floats (0.95 * 0.9 is 0.8549999999999999); compare them as the decimals
# people wrote, and treat a gap below this as equality, so that exactly 95% of target is green.
_EPSILON: Final = Decimal("1e-9")


class Status(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    NO_TARGET = "no_target"
    INSUFFICIENT_DATA = "insufficient_data"


@dataclass(frozen=True)
class Rating:
    status: Status
    performance: float | None


class RatingFields(TypedDict):
    target: float | None
    performance: float | None
    status: str


def _decimal(number: float) -> Decimal:
    return Decimal(repr(float(number)))


def rate(
    value: float | None,
    target: float | None,
    *,
    direction: str = "higher",
    suppressed: bool = False,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Rating:
    """Rate a figure against its target.

    Performance is value / target (None when the target is zero or either is missing). Higher is
    better: green when value >= (1 - tolerance) * target. Lower is better: green when
    value <= (1 + tolerance) * target. Otherwise yellow. No target: `no_target`; suppressed or no
    value: `insufficient_data`, which wins over `no_target`.
    """
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be higher or lower, not {direction!r}")
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be in [0, 1), not {tolerance}")
    if suppressed or value is None:
        return Rating(Status.INSUFFICIENT_DATA, None)
    if target is None:
        return Rating(Status.NO_TARGET, None)
    performance = value / target if target else None
    actual, goal, slack = _decimal(value), _decimal(target), _decimal(tolerance)
    if direction == "higher":
        green = actual >= (1 - slack) * goal - _EPSILON * max(abs(goal), Decimal(1))
    else:
        green = actual <= (1 + slack) * goal + _EPSILON * max(abs(goal), Decimal(1))
    return Rating(Status.GREEN if green else Status.YELLOW, performance)


def rating_fields(
    value: float | None,
    target: float | None,
    *,
    direction: str = "higher",
    suppressed: bool = False,
    tolerance: float = DEFAULT_TOLERANCE,
) -> RatingFields:
    """The `target`, `performance` and `status` keys of an API indicator entry."""
    rating = rate(value, target, direction=direction, suppressed=suppressed, tolerance=tolerance)
    return RatingFields(target=target, performance=rating.performance, status=rating.status.value)
