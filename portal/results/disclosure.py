"""Exact disclosure audit of one published table: what its shown figures let anyone derive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

# Arithmetic is exact modulo this prime. Every minor of a 0/1 matrix of at most 16 rows is below
# 4.4e5 in absolute value (Hadamard's bound), so a rank, a reduced echelon form and a combination
# of at most 16 of its rows are the rational ones read modulo P: nothing is rounded.
P: Final = 2_147_483_647
MAX_FIGURES: Final = 16
# A table whose shown figures isolate more candidate small sets than this is audited in chunks.
_CHUNK: Final = 2048

Int = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Table:
    """One table: figures as sets of respondent cells, and each cell's valid and excluded answers.

    A cell is one combination of memberships; only cells holding at least one respondent are kept
    (an empty cell changes no figure), and cells no figure tells apart are merged.
    """

    membership: Bool  # figures x cells
    valid: Int  # per cell
    excluded: Int  # per cell

    @classmethod
    def build(
        cls, membership: npt.ArrayLike, valid: npt.ArrayLike, excluded: npt.ArrayLike
    ) -> Table:
        members = np.asarray(membership, dtype=bool)
        valid_n = np.asarray(valid, dtype=np.int64)
        excluded_n = np.asarray(excluded, dtype=np.int64)
        cells = members.shape[1] if members.ndim == 2 else -1
        if valid_n.shape != (cells,) or excluded_n.shape != (cells,):
            raise ValueError("membership must be figures x cells, with one count per cell")
        if members.shape[0] > MAX_FIGURES:
            raise ValueError(f"a table has at most {MAX_FIGURES} figures, not {members.shape[0]}")
        if (valid_n < 0).any() or (excluded_n < 0).any():
            raise ValueError("a cell has a negative count")
        keep = (valid_n + excluded_n) > 0
        if not keep.any():
            return cls(members[:, :0], valid_n[:0], excluded_n[:0])
        # Each cell's memberships as the bits of one integer: merging is a 1-D unique.
        bits = np.left_shift(1, np.arange(len(members), dtype=np.int64))
        keys, inverse = np.unique(bits @ members[:, keep], return_inverse=True)
        return cls(
            (keys[None, :] & bits[:, None]) != 0,
            np.bincount(inverse, valid_n[keep], len(keys)).astype(np.int64),
            np.bincount(inverse, excluded_n[keep], len(keys)).astype(np.int64),
        )

    @property
    def figure_valid(self) -> Int:
        return self.membership.astype(np.int64) @ self.valid

    @property
    def figure_respondents(self) -> Int:
        return self.membership.astype(np.int64) @ (self.valid + self.excluded)


@dataclass(frozen=True)
class Leak:
    """A disclosure: a suppressed figure (`target`) or a small set of respondents (`cells`)
    obtained by adding and subtracting the shown figures listed in `figures`, or a suppressed
    figure they bound to an `interval` of valid answers narrower than k (`narrow_interval`, found
    by `portal.results.intervals`; `figures` are then those whose equations bind the bounds)."""

    kind: Literal["derivable", "small_difference", "narrow_interval"]
    figures: tuple[int, ...]
    target: int | None
    cells: tuple[int, ...]
    valid: int
    respondents: int
    interval: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Echelon:
    rows: Int  # the reduced echelon form, modulo P, of the shown figures (rank x cells)
    transform: Int  # rows = transform @ shown figures (rank x shown)
    pivots: Int  # pivot cell of each row


def _inverse(value: int) -> int:
    return pow(int(value), P - 2, P)


def _echelon(matrix: Int, order: Int) -> _Echelon:
    """Gauss-Jordan elimination modulo P over the columns taken in `order`."""
    figures, cells = matrix.shape
    work = np.concatenate([matrix[:, order] % P, np.eye(figures, dtype=np.int64)], axis=1)
    pivots: list[int] = []
    row = 0
    while row < figures:
        nonzero = np.flatnonzero((work[row:, :cells] != 0).any(axis=0))
        if not len(nonzero):
            break
        column = int(nonzero[0])
        source = row + int(np.flatnonzero(work[row:, column])[0])
        work[[row, source]] = work[[source, row]]
        work[row] = work[row] * _inverse(work[row, column]) % P
        others = np.flatnonzero(work[:, column])
        others = others[others != row]
        work[others] = (work[others] - work[others, column, None] * work[row]) % P
        pivots.append(column)
        row += 1
    back = np.argsort(order)
    return _Echelon(work[:row, :cells][:, back], work[:row, cells:], order[np.array(pivots, int)])


def _combine(echelon: _Echelon, picks: Int) -> tuple[Int, Int]:
    """The rows picked (0/1 per row) added: (vector over cells, coefficients over shown figures)."""
    return picks @ echelon.rows % P, picks @ echelon.transform % P


def _figures(coefficients: Int, shown: Int) -> tuple[int, ...]:
    return tuple(int(i) for i in shown[coefficients != 0])


def _derivable(table: Table, echelon: _Echelon, shown: Int, target: int) -> Leak | None:
    vector = table.membership[target].astype(np.int64)
    picks = vector[echelon.pivots]
    combined, coefficients = _combine(echelon, picks)
    if (combined != vector).any():
        return None
    cells = np.flatnonzero(vector)
    return Leak(
        "derivable", _figures(coefficients, shown), target, tuple(int(c) for c in cells),
        int(table.valid[cells].sum()), int((table.valid + table.excluded)[cells].sum()),
    )  # fmt: skip


def _small_sets(table: Table, echelon: _Echelon, shown: Int, k: int) -> list[Leak]:
    """Every set of respondents the shown figures isolate that holds fewer than k valid answers.

    A set is a 0/1 vector in the span of the shown figures. Eliminating the large cells first,
    the rows whose pivot is a small cell span exactly the combinations that vanish on every large
    cell; a 0/1 combination of them is fixed by its pivot entries, so trying each subset of those
    rows (pruned by the valid answers of their pivots) finds every such set, and nothing else.
    """
    small = np.flatnonzero(table.valid < k)
    rows = np.flatnonzero(table.valid[echelon.pivots] < k)
    basis = echelon.rows[rows]
    rows = rows[(basis.sum(axis=1) - basis[:, small].sum(axis=1)) == 0]  # nothing on large cells
    if not len(rows):
        return []
    basis = echelon.rows[rows][:, small]
    count = len(rows)
    subsets = (np.arange(1, 2**count, dtype=np.int64)[:, None] >> np.arange(count)) & 1
    subsets = subsets[subsets @ table.valid[echelon.pivots[rows]] < k]
    leaks: list[Leak] = []
    for start in range(0, len(subsets), _CHUNK):
        chunk = subsets[start : start + _CHUNK]
        vectors = chunk @ basis % P
        binary = ((vectors == 0) | (vectors == 1)).all(axis=1)
        for picks, vector in zip(chunk[binary], vectors[binary], strict=True):
            cells = small[vector == 1]
            valid = int(table.valid[cells].sum())
            if valid >= k:
                continue
            full = np.zeros(len(echelon.rows), dtype=np.int64)
            full[rows] = picks
            leaks.append(
                Leak(
                    "small_difference",
                    _figures(full @ echelon.transform % P, shown),
                    None,
                    tuple(int(c) for c in cells),
                    valid,
                    int((table.valid + table.excluded)[cells].sum()),
                )
            )
    return leaks


def audit(
    table: Table, shown: Sequence[bool], *, k: int, protect: Sequence[bool] | None = None
) -> list[Leak]:
    """What the shown figures disclose: each protected figure they derive, each small set.

    `shown[i]` says whether figure i is published; `protect` (default: every figure not shown)
    names the suppressed figures whose value must not follow from the shown ones. A figure with no
    respondent hides nothing and is never reported. Derivation is exact: any combination of
    additions and subtractions of shown figures, with rational coefficients.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    published = np.asarray(shown, dtype=bool)
    guarded = ~published if protect is None else np.asarray(protect, dtype=bool) & ~published
    if published.shape != (len(table.membership),) or guarded.shape != published.shape:
        raise ValueError("shown and protect need one entry per figure")
    indices = np.flatnonzero(published)
    if not len(indices) or not table.valid.size:
        return []
    # Large cells first: then the rows pivoting on small cells vanish on every large cell.
    order = np.argsort(table.valid < k, kind="stable")
    echelon = _echelon(table.membership[indices].astype(np.int64), order)
    leaks = [
        leak
        for target in np.flatnonzero(guarded & table.membership.any(axis=1))
        if (leak := _derivable(table, echelon, indices, int(target))) is not None
    ]
    return leaks + _small_sets(table, echelon, indices, k)
