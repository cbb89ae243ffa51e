"""Indicator figures computed from grouped answer counts, by the rules of INDICATORS.md."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Final

import numpy as np
import pandas as pd

from portal.results.figures import IndicatorFigure
from portal.results.suppression import DEFAULT_K, GROUP_KEYS, PARTITIONS, plan_suppression

Z95: Final = 1.959963984540054
YOUTH_MIN_AGE: Final = 18
YOUTH_MAX_AGE: Final = 29
DEFAULT_GLOBAL_SOUTH_FLAG: Final = "developing_2017"
SKIPPED: Final = "skipped"
ORIGIN_GROUPS: Final = ("global_south", "africa", "sids", "ldc", "lldc")
# The answer scale of the survey rules (INDICATORS.md, rules 1 and 2) that the computation reads:
# the value is the agreeing share of the substantive answers. Which questions are asked with it
# is declared by the survey provider when it registers (portal.results.vocabulary).
SUBSTANTIVE_ANSWERS: Final = (
    "fully_agree", "somewhat_agree", "neither", "somewhat_disagree", "fully_disagree",
)  # fmt: skip
NON_SUBSTANTIVE_ANSWERS: Final = ("dont_know", "not_applicable")
AGREE_PARTS: Final = ("fully_agree", "somewhat_agree")

# Column order of the count matrix: substantive codes, then the excluded ones, skipped last.
_CODES: Final = (*SUBSTANTIVE_ANSWERS, *NON_SUBSTANTIVE_ANSWERS, SKIPPED)
_INDEX: Final = {code: i for i, code in enumerate(_CODES)}
_VALID: Final = slice(0, len(SUBSTANTIVE_ANSWERS))
_EXCLUDED: Final = slice(len(SUBSTANTIVE_ANSWERS), len(_CODES))


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion; always inside [0, 1] and around successes / n."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes} of {n}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # Rounding could put a bound a hair past p at 0 or 1; the interval must contain p.
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def response_rate(invited: int | None, completed: int | None) -> float | None:
    """Completed responses over invitations sent; None when there is nothing to divide."""
    if invited is None or completed is None or invited == 0:
        return None
    if invited < 0 or not 0 <= completed <= invited:
        raise ValueError(f"completed {completed} must be between 0 and invited {invited}")
    return completed / invited


def _group_masks(counts: pd.DataFrame, groups: Sequence[str]) -> np.ndarray:
    masks = np.zeros((len(counts), len(groups)), dtype=np.int64)
    for i, key in enumerate(groups):
        column = counts[key]
        if not column.dropna().isin([True, False]).all():
            raise ValueError(f"group column {key} must hold True, False or nothing")
        masks[:, i] = column.eq(True).fillna(False).to_numpy(dtype=bool)
    # A response has one category and one modality: a row in two of them is corrupt data.
    for partition in PARTITIONS:
        columns = [groups.index(key) for key in partition if key in groups]
        if len(columns) > 1 and (masks[:, columns].sum(axis=1) > 1).any():
            raise ValueError(f"a response cannot belong to more than one of {', '.join(partition)}")
    return masks


def _count_matrix(counts: pd.DataFrame) -> np.ndarray:
    if missing := {"answer", "n"} - set(counts.columns):
        raise ValueError(f"answer counts lack column(s) {', '.join(sorted(missing))}")
    answers = counts["answer"]
    index = answers.map(_INDEX)
    unknown = answers.notna() & index.isna()
    if unknown.any():
        raise ValueError(f"unknown answer code(s): {sorted(set(answers[unknown]))}")
    # SQL drivers hand counts over as int, Decimal (PostgreSQL SUM) or float.
    n = pd.to_numeric(counts["n"], errors="coerce")
    if n.isna().any() or (n < 0).any() or not (n == n.round()).all():
        raise ValueError("n must be a whole number of answers, zero or more")
    matrix = np.zeros((len(counts), len(_CODES)), dtype=np.int64)
    rows = np.arange(len(counts))
    matrix[rows, index.fillna(_INDEX[SKIPPED]).to_numpy(dtype=np.int64)] = n.to_numpy(np.int64)
    return matrix


def _figure(row: np.ndarray, suppression: str | None) -> IndicatorFigure:
    if suppression is not None:
        return IndicatorFigure(
            value=None, numerator=None, valid_n=None, excluded_n=None, excluded=None,
            ci95=None, parts=None, suppressed=True, suppression=suppression,
        )  # fmt: skip
    valid = int(row[_VALID].sum())
    parts = {code: int(row[_INDEX[code]]) for code in AGREE_PARTS}
    numerator = sum(parts.values())
    low, high = wilson_interval(numerator, valid)
    return IndicatorFigure(
        value=numerator / valid,
        numerator=numerator,
        valid_n=valid,
        excluded_n=int(row[_EXCLUDED].sum()),
        excluded={code: int(row[_INDEX[code]]) for code in (*NON_SUBSTANTIVE_ANSWERS, SKIPPED)},
        ci95=[low, high],
        parts={code: count / valid for code, count in parts.items()},
        suppressed=False,
        suppression=None,
    )


def survey_indicator(
    counts: pd.DataFrame,
    *,
    groups: Sequence[str] | None = None,
    k: int = DEFAULT_K,
    invited: int | None = None,
    completed: int | None = None,
) -> IndicatorFigure:
    """One survey indicator from answer counts grouped by answer and group flags.

    `counts` has columns `answer` (an answer code, or None/NaN for a skipped question), `n`, and
    one True/False/None column per group key. `groups` picks the breakdown (default: every group
    column present, in GROUP_KEYS order). Percentages are fractions in [0, 1], unrounded.
    """
    present = [key for key in GROUP_KEYS if key in counts.columns]
    if unknown := set(counts.columns) - {"answer", "n", *GROUP_KEYS}:
        raise ValueError(f"unknown column(s) in answer counts: {', '.join(sorted(unknown))}")
    groups = present if groups is None else list(groups)
    if missing := [key for key in groups if key not in counts.columns]:
        raise ValueError(f"answer counts lack group column(s) {', '.join(missing)}")
    matrix = _count_matrix(counts)
    total = matrix.sum(axis=0)
    masks = _group_masks(counts, groups)
    by_group = masks.T @ matrix
    # Each row of counts is a cell of the audit: one answer of one combination of the groups.
    plan = plan_suppression(
        matrix[:, _VALID].sum(axis=1),
        matrix[:, _EXCLUDED].sum(axis=1),
        {key: masks[:, i] for i, key in enumerate(groups)},
        k=k,
    )
    figure = _figure(total, plan.total)
    figure["invited"] = invited
    figure["completed"] = completed
    figure["response_rate"] = response_rate(invited, completed)
    figure["breakdown"] = {
        key: _figure(by_group[i], plan.groups[key]) for i, key in enumerate(groups)
    }
    return figure


def count_indicator(
    value: float | None, breakdown: Mapping[str, float | None] | None = None
) -> IndicatorFigure:
    """A count (knowledge portal or staff-entered); counts of organisations are not suppressed."""
    return IndicatorFigure(
        value=value,
        suppressed=False,
        breakdown={
            key: IndicatorFigure(value=part, suppressed=False, breakdown={})
            for key, part in (breakdown or {}).items()
        },
    )


def share_indicator(numerator: int, denominator: int) -> IndicatorFigure:
    """A census share such as 3.1 or 3.2: every country or framework counted, no sampling error."""
    if denominator < 0 or not 0 <= numerator <= max(denominator, 0):
        raise ValueError(f"need 0 <= numerator <= denominator, got {numerator} of {denominator}")
    return IndicatorFigure(
        value=numerator / denominator if denominator else None,
        numerator=numerator,
        valid_n=denominator,
        suppressed=False,
    )


def is_youth(age: int | None) -> bool | None:
    """Youth means aged 18 to 29 at the start of the assignment; None when the age is unknown."""
    if age is None:
        return None
    return YOUTH_MIN_AGE <= age <= YOUTH_MAX_AGE


def _flag(value: str | None) -> bool | None:
    text = (value or "").strip().lower()
    if text in ("yes", "no"):
        return text == "yes"
    if text:
        raise ValueError(f"M49 flag {value!r} is neither yes nor no")
    return None


def origin_groups(
    m49_row: Mapping[str, str | None] | None,
    *,
    global_south_flag: str = DEFAULT_GLOBAL_SOUTH_FLAG,
) -> dict[str, bool | None]:
    """Origin groups of a nationality's M49 row; None for each group when it is unknown."""
    if m49_row is None:
        return dict.fromkeys(ORIGIN_GROUPS)
    if global_south_flag not in m49_row:
        raise ValueError(f"the M49 row has no {global_south_flag!r} column for the Global South")
    region = (m49_row.get("region") or "").strip()
    return {
        "global_south": _flag(m49_row[global_south_flag]),
        "africa": (region == "Africa") if region else None,
        "sids": _flag(m49_row.get("sids")),
        "ldc": _flag(m49_row.get("ldc")),
        "lldc": _flag(m49_row.get("lldc")),
    }


def reporting_year(campaign_year: int, submitted_at: date | datetime | None, survey: str) -> int:
    """The year a response counts for: its date's for the exit questionnaire (volunteers leave all
    year round), the campaign's for every other survey (the partner survey, imported ones).

    `survey` is a survey key (`partner`, `volunteer_exit`, …) or an indicator source
    (`partner_survey`). An aware timestamp is taken in UTC, the zone timestamps are stored in.
    """
    if survey != "volunteer_exit":
        return campaign_year
    if submitted_at is None:
        raise ValueError("an exit questionnaire response needs its submission date")
    if isinstance(submitted_at, datetime) and submitted_at.tzinfo is not None:
        submitted_at = submitted_at.astimezone(UTC)
    return submitted_at.year
