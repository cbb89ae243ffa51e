"""Interval audit of one table: the bounds shown counts and non-negativity put on hidden ones."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

# scipy ships no py.typed marker: linprog is untyped here, its result is read field by field.
from scipy.optimize import linprog  # type: ignore[import-untyped]

from portal.results.disclosure import Leak, Table

# HiGHS works in floating point; counts are whole numbers far below 1/TOLERANCE.
TOLERANCE: Final = 1e-6
_OPTIMAL: Final = 0
_UNBOUNDED: Final = 3

Float = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Bounds:
    """What the shown figures and non-negative cells tell of one figure's valid answers.

    `lower` and `upper` are the whole numbers the linear programme's optimum allows (`upper` is
    None when nothing shown bounds the figure); `figures` are the shown figures whose equations
    bind an optimum (a non-zero dual value): suppressing one of them can widen the interval.
    """

    target: int
    lower: int
    upper: int | None
    figures: tuple[int, ...]

    @property
    def width(self) -> float:
        return math.inf if self.upper is None else self.upper - self.lower


def _solve(objective: Float, equations: Float, counts: Float) -> tuple[float | None, Float]:
    """Minimum of objective . x over x >= 0 with equations @ x == counts, and the duals."""
    result = linprog(
        objective,
        A_eq=equations,
        b_eq=counts,
        bounds=(0, None),
        method="highs",
        # A few thousand columns and at most 16 rows: presolve costs more than it saves.
        options={"presolve": False},
    )
    if result.status == _UNBOUNDED:
        return None, np.zeros(len(equations))
    if result.status != _OPTIMAL:  # the published counts are a feasible point: this is a bug
        raise RuntimeError(f"interval audit: linear programme failed: {result.message}")
    return float(result.fun), np.asarray(result.eqlin.marginals, dtype=np.float64)


def bounds(table: Table, shown: Sequence[bool], target: int, *, k: int | None = None) -> Bounds:
    """The interval of `target`'s valid answers an attacker gets from the shown figures.

    Each cell's valid answers are unknowns, at least 0; each shown figure publishes their sum
    over its cells. With `k`, the minimum is skipped once the maximum alone proves the
    interval at least k wide (the lower bound is then reported as 0, a bound but maybe not the
    tightest).
    """
    published = np.flatnonzero(np.asarray(shown, dtype=bool))
    equations = table.membership[published].astype(np.float64)
    counts = table.figure_valid[published].astype(np.float64)
    objective = table.membership[target].astype(np.float64)
    high, high_duals = _solve(-objective, equations, counts)
    upper = None if high is None else math.floor(-high + TOLERANCE)
    true = int(table.figure_valid[target])
    if k is not None and (upper is None or upper - true >= k):
        return Bounds(target, 0, upper, _binding(published, high_duals))
    low, low_duals = _solve(objective, equations, counts)
    lower = 0 if low is None else max(0, math.ceil(low - TOLERANCE))
    return Bounds(target, lower, upper, _binding(published, high_duals, low_duals))


def _binding(published: npt.NDArray[np.intp], *duals: npt.NDArray[np.float64]) -> tuple[int, ...]:
    binding = np.zeros(len(published), dtype=bool)
    for values in duals:
        binding |= np.abs(values) > TOLERANCE
    return tuple(int(figure) for figure in published[binding])


def narrow_intervals(
    table: Table, shown: Sequence[bool], *, k: int, protect: Sequence[bool] | None = None
) -> list[Leak]:
    """Each protected figure whose interval of valid answers is narrower than k.

    `protect` (default: every figure not shown) names the suppressed figures to check; a figure
    with no respondent hides nothing and is never reported, and with nothing shown nothing is
    bounded, so no linear programme is solved then.
    """
    published = np.asarray(shown, dtype=bool)
    guarded = ~published if protect is None else np.asarray(protect, dtype=bool) & ~published
    if published.shape != (len(table.membership),) or guarded.shape != published.shape:
        raise ValueError("shown and protect need one entry per figure")
    if not published.any() or not table.valid.size:
        return []
    leaks: list[Leak] = []
    for target in np.flatnonzero(guarded & table.membership.any(axis=1)):
        found = bounds(table, shown, int(target), k=k)
        if found.upper is None or found.upper - found.lower >= k:
            continue
        cells = np.flatnonzero(table.membership[target])
        leaks.append(
            Leak(
                "narrow_interval",
                found.figures,
                int(target),
                tuple(int(c) for c in cells),
                int(table.valid[cells].sum()),
                int((table.valid + table.excluded)[cells].sum()),
                interval=(found.lower, found.upper),
            )  # fmt: skip
        )
    return leaks
