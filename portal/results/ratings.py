"""Performance against target and the green/yellow rating of the 2016-2017 report."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Final, TypedDict

DEFAULT_TOLERANCE: Final = 0.05
# Figures arrive as binary floats (0.95 * 0.9 is 0.8549999999999999); compare them as the decimals
# people wrote, and treat a gap below this as equality, so that exactly 95% of target is green.
_EPSILON: Final = Decimal("1e-9")
# Performance is printed with one decimal, and with more (up to this many) only where one decimal
# would print a figure on the other side of the rating boundary than the rating itself.
MAX_PERFORMANCE_PLACES: Final = 3


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


def performance_percent(
    performance: float,
    status: str,
    *,
    direction: str = "higher",
    tolerance: float = DEFAULT_TOLERANCE,
) -> Decimal:
    """Performance as a percentage to print: one decimal, more only near the rating boundary.

    The figure is rounded half to even (as Babel prints it) to one decimal; when that figure would
    read as the other rating (94.96% of target, yellow, printed "95.0%" against a 95% boundary),
    a decimal is added until it no longer does ("94.96%"). At the last place it is rounded toward
    its own side of the boundary, so the printed figure always reproduces a green or yellow status.
    Other statuses keep one decimal.
    """
    exact = _decimal(performance) * 100
    slack = _decimal(tolerance) * 100
    boundary = 100 - slack if direction == "higher" else 100 + slack
    rated = status in (Status.GREEN, Status.YELLOW)
    shown = exact
    for places in range(1, MAX_PERFORMANCE_PLACES + 1):
        step = Decimal(1).scaleb(-places)
        shown = exact.quantize(step, ROUND_HALF_EVEN)
        if not rated or _reads_green(shown, boundary, direction) == (status == Status.GREEN):
            return shown
    # Still on the wrong side: round toward the side the rating is on.
    worse = ROUND_FLOOR if direction == "higher" else ROUND_CEILING
    better = ROUND_CEILING if direction == "higher" else ROUND_FLOOR
    rounding = better if status == Status.GREEN else worse
    return exact.quantize(Decimal(1).scaleb(-MAX_PERFORMANCE_PLACES), rounding)


def _reads_green(percent: Decimal, boundary: Decimal, direction: str) -> bool:
    return percent >= boundary if direction == "higher" else percent <= boundary
