"""Small-cell suppression of survey figures: primary (below k) and complementary (by difference)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

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
# Groups that split the whole population between them: the members' figures add up to the total,
# so a member's figure is the total minus the others'. Every other group is a partition with its
# unpublished complement (female and not female), which `plan_suppression` adds by itself.
PARTITIONS: Final[tuple[tuple[str, ...], ...]] = (
    ("national", "international"),
    ("onsite", "online"),
)


@dataclass(frozen=True)
class CellSize:
    """How many answers a figure rests on: `valid` substantive ones and `excluded` others."""

    valid: int
    excluded: int = 0

    @property
    def respondents(self) -> int:
        return self.valid + self.excluded

    def __sub__(self, other: CellSize) -> CellSize:
        return CellSize(self.valid - other.valid, self.excluded - other.excluded)


@dataclass(frozen=True)
class SuppressionPlan:
    """Why each figure is suppressed (`BELOW_K`, `COMPLEMENTARY`), or None when it is shown."""

    total: str | None
    groups: Mapping[str, str | None] = field(default_factory=dict)

    def is_shown(self, key: str) -> bool:
        return self.groups[key] is None


def _leaks(residual: CellSize, k: int) -> bool:
    # A non-empty difference resting on fewer than k valid answers is itself a small cell.
    return residual.respondents > 0 and residual.valid < k


def plan_suppression(
    total: CellSize,
    groups: Mapping[str, CellSize],
    *,
    k: int = DEFAULT_K,
    partitions: Sequence[Sequence[str]] = PARTITIONS,
) -> SuppressionPlan:
    """Decide which figures to suppress so that no small cell is shown or derivable.

    Primary: a figure on fewer than `k` valid answers. Complementary: for every partition of the
    total (the declared ones, and each group with its complement), the total minus the shown
    members must be empty, or rest on at least `k` valid answers and not be exactly one suppressed
    member; otherwise the smallest shown member is suppressed too, repeated until nothing leaks.
    Members with no answers at all hide nothing, so they never force another suppression.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    for key, size in groups.items():
        if min(size.valid, size.excluded) < 0:
            raise ValueError(f"group {key} has a negative count")
        if size.valid > total.valid or size.excluded > total.excluded:
            raise ValueError(f"group {key} is larger than the total")
    for partition in partitions:
        sizes = [groups[key] for key in partition if key in groups]
        if sum(m.valid for m in sizes) > total.valid or (
            sum(m.excluded for m in sizes) > total.excluded
        ):
            raise ValueError(f"the members of partition {', '.join(partition)} overlap")
    if total.valid < k:
        return SuppressionPlan(BELOW_K, {key: BELOW_K for key in groups})

    reasons: dict[str, str | None] = {
        key: BELOW_K if size.valid < k else None for key, size in groups.items()
    }
    checks = [tuple(key for key in p if key in groups) for p in partitions]
    checks = [p for p in checks if p] + [(key,) for key in groups]
    changed = True
    while changed:
        changed = False
        for members in checks:
            shown = [key for key in members if reasons[key] is None]
            hidden = [key for key in members if reasons[key] and groups[key].respondents > 0]
            residual = total
            for key in shown:
                residual -= groups[key]
            exact = len(hidden) == 1 and residual == groups[hidden[0]]
            candidates = [key for key in shown if groups[key].respondents > 0]
            if candidates and (_leaks(residual, k) or exact):
                smallest = min(candidates, key=lambda key: (groups[key].valid, key))
                reasons[smallest] = COMPLEMENTARY
                changed = True
    return SuppressionPlan(None, reasons)
