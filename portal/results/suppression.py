"""Small-cell suppression of survey figures: primary (below k), complementary (by audit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from portal.results.disclosure import Leak, Table, audit
from portal.results.intervals import narrow_intervals

DEFAULT_K: Final = 5
BELOW_K: Final = "below_k"
COMPLEMENTARY: Final = "complementary"

GROUP_KEYS: Final = (
    "female",
    "national",
    "international",
    "youth",
    "disability",
    "onsite",
    "online",
    "global_south",
    "africa",
    "sids",
    "ldc",
    "lldc",
    "refugee",
)
# Groups no respondent belongs to two of (a response has one category and one modality). The
# audit needs no list of what adds up to what; these are checked as a property of the data.
PARTITIONS: Final[tuple[tuple[str, ...], ...]] = (
    ("national", "international"),
    ("onsite", "online"),
)


@dataclass(frozen=True)
class SuppressionPlan:
    """Why each figure is suppressed (`BELOW_K`, `COMPLEMENTARY`), or None when it is shown."""

    total: str | None
    groups: Mapping[str, str | None] = field(default_factory=dict)

    def is_shown(self, key: str) -> bool:
        return self.groups[key] is None


def _group_masks(
    groups: Mapping[str, npt.ArrayLike], rows: int, partitions: Sequence[Sequence[str]]
) -> list[npt.NDArray[np.bool_]]:
    masks = {key: np.asarray(mask, dtype=bool) for key, mask in groups.items()}
    if any(mask.shape != (rows,) for mask in masks.values()):
        raise ValueError("every group needs one membership flag per cell")
    for partition in partitions:
        members = [masks[key] for key in partition if key in masks]
        if members and (np.sum(members, axis=0) > 1).any():
            raise ValueError(f"the members of partition {', '.join(partition)} overlap")
    return list(masks.values())


def _cheapest(leak: Leak, valid: npt.NDArray[np.int64], shown: Sequence[int]) -> int:
    # The total (figure 0) is given up only when nothing else takes part in the disclosure.
    taking_part = [figure for figure in leak.figures if figure in shown] or list(shown)
    candidates = [figure for figure in taking_part if figure != 0] or taking_part
    return min(candidates, key=lambda figure: (int(valid[figure]), figure))


def _disclosures(table: Table, reasons: Sequence[str | None], k: int) -> list[Leak]:
    """What the figures shown under `reasons` disclose of the primary ones: the exact audit
    first (cheap), then, only when it passes, the interval audit (linear programmes, one or two
    per primary figure with respondents: none when no figure is suppressed)."""
    shown = [reason is None for reason in reasons]
    primary = [reason == BELOW_K for reason in reasons]
    return audit(table, shown, k=k, protect=primary) or narrow_intervals(
        table, shown, k=k, protect=primary
    )


def plan_suppression(
    valid: npt.ArrayLike,
    excluded: npt.ArrayLike,
    groups: Mapping[str, npt.ArrayLike],
    *,
    k: int = DEFAULT_K,
    partitions: Sequence[Sequence[str]] = PARTITIONS,
) -> SuppressionPlan:
    """Decide which figures of a table to suppress so that no small cell is shown or derivable.

    The table is the total and one figure per group, over respondent cells: `valid[c]` and
    `excluded[c]` count cell c's answers, `groups[key][c]` says whether cell c is in the group.
    Primary: a figure on fewer than `k` valid answers. Complementary: while the audit of
    `portal.results.disclosure` finds a primary figure derivable from the shown ones, or a
    derivable set of respondents with fewer than `k` valid answers, or the interval audit of
    `portal.results.intervals` bounds a primary figure's valid answers to an interval narrower
    than `k`, the shown figure with the fewest valid answers taking part in the first disclosure
    found is suppressed too (ties in group order; the total only when it alone takes part).
    Finally each complementary suppression is undone, the one on most valid answers first, when
    the figures then shown pass all three checks: it protected nothing.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    valid_n = np.asarray(valid, dtype=np.int64).reshape(-1)
    masks = _group_masks(groups, len(valid_n), partitions)
    table = Table.build([np.ones(len(valid_n), dtype=bool), *masks], valid_n, excluded)
    sizes = table.figure_valid
    if sizes[0] < k:
        return SuppressionPlan(BELOW_K, dict.fromkeys(groups, BELOW_K))
    reasons: list[str | None] = [BELOW_K if size < k else None for size in sizes]
    while leaks := _disclosures(table, reasons, k):
        shown = [figure for figure, reason in enumerate(reasons) if reason is None]
        reasons[_cheapest(leaks[0], sizes, shown)] = COMPLEMENTARY
    extra = [figure for figure, reason in enumerate(reasons) if reason == COMPLEMENTARY]
    for figure in sorted(extra, key=lambda figure: (-int(sizes[figure]), figure)):
        reasons[figure] = None
        if _disclosures(table, reasons, k):
            reasons[figure] = COMPLEMENTARY
    return SuppressionPlan(reasons[0], dict(zip(groups, reasons[1:], strict=True)))
