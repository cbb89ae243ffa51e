"""k-anonymity of per-response exports: global recoding of quasi-identifiers, local suppression.

Pure functions over plain rows (mappings of column to text, "" for not given). Global recoding first
(age bands merged at the top, dates to the month, places to their M49 sub-region or region where
rare, rare host entities to "other"), then, as sdcMicro's localSuppression, the fewest cells the
greedy search finds are blanked until every combination of quasi-identifiers is shared by at least k
rows. Classes are exact: a blank cell is a value of its own, so a row with a blank joins only rows
with the same blank, and grouping the exported file by its quasi-identifiers shows every class.
Rows are never dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, MutableSequence, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter
from typing import Any

BLANK = ""
OTHER = "other"
TOP_AGE_BAND = "50_plus"
# Recoded age bands: the two oldest merge; 18_29 stays whole so that youth (18 to 29) is derivable.
AGE_RECODE = {"50_59": TOP_AGE_BAND, "60_plus": TOP_AGE_BAND}
COUNTRY, SUB_REGION, REGION = "country", "sub_region", "region"

# Quasi-identifiers of each survey's export, in the order local suppression blanks them first:
# dates and places before the groups the indicators are broken down by.
QUASI_IDENTIFIERS: Mapping[str, tuple[str, ...]] = {  # by audience (SurveyDefinition.asks)
    "volunteer": (
        "submitted_on",
        "reporting_year",
        "duty_station",
        "organisation",
        "age_band",
        "refugee",
        "lldc",
        "ldc",
        "sids",
        "africa",
        "global_south",
        "disability",
        "modality",
        "category",
        "youth",
        "gender",
    ),
    "partner": ("submitted_on", "reporting_year", "duty_station", "office_type", "organisation"),
    "general": ("submitted_on", "reporting_year"),
}
# Blank sets tried by local suppression: every set of up to this many quasi-identifiers, then the
# growing prefixes of the order above, up to all of them.
LARGEST_COMBINATION = 2

Places = Mapping[str, tuple[str, str]]  # ISO3 code -> (M49 sub-region, M49 region)


@dataclass(frozen=True)
class Anonymised:
    """Rows in their input order, and what was done to them."""

    rows: list[dict[str, str]]
    k: int
    places: dict[str, str]  # each place value shown -> its level: country, sub_region or region
    organisations: frozenset[str]  # host entities kept; the others read "other"
    suppressed: int  # cells blanked by local suppression


def month(day: str) -> str:
    """YYYY-MM-DD (or a longer timestamp) to YYYY-MM."""
    return day[:7]


def age_band(band: str) -> str:
    return AGE_RECODE.get(band, band)


def frequent(values: Iterable[str], k: int) -> frozenset[str]:
    """The values given in at least k rows."""
    return frozenset(value for value, n in Counter(values).items() if value and n >= k)


def coarsen_places(codes: Iterable[str], k: int, places: Places) -> dict[str, str]:
    """Each ISO3 code to itself when at least k rows share it; otherwise to its M49 sub-region
    when the rare codes of that sub-region reach k together; otherwise to its region (which local
    suppression may still blank). A code outside the table becomes blank."""
    counts = Counter(code for code in codes if code)
    recoded = {code: code for code, n in counts.items() if n >= k and code in places}
    rare = {code: n for code, n in counts.items() if code not in recoded}
    by_sub_region: Counter[str] = Counter()
    for code, n in rare.items():
        by_sub_region[places.get(code, (BLANK, BLANK))[0]] += n
    for code in rare:
        sub_region, region = places.get(code, (BLANK, BLANK))
        recoded[code] = sub_region if sub_region and by_sub_region[sub_region] >= k else region
    return recoded


def place_levels(recoded: Mapping[str, str], places: Places) -> dict[str, str]:
    """The level of each place value shown: country, sub_region or region."""
    sub_regions = {sub for sub, _ in places.values()}
    levels: dict[str, str] = {}
    for code, shown in recoded.items():
        if not shown:
            continue
        if shown == code:
            levels[shown] = COUNTRY
        else:
            levels[shown] = SUB_REGION if shown in sub_regions else REGION
    return levels


def recode(
    rows: Sequence[Mapping[str, str]], k: int, places: Places, dates: Sequence[str] = ()
) -> tuple[list[dict[str, str]], dict[str, str], frozenset[str]]:
    """Global recoding: the same rule for every row, decided from the whole population; the
    `dates` columns (and submitted_on) to the month."""
    kept = frequent((row.get("organisation", BLANK) for row in rows), k)
    recoded_places = coarsen_places((row.get("duty_station", BLANK) for row in rows), k, places)
    out = []
    for row in rows:
        new = dict(row)
        for column in ("submitted_on", *dates):
            if new.get(column):
                new[column] = month(new[column])
        if "age_band" in new:
            new["age_band"] = age_band(new["age_band"])
        if new.get("organisation"):
            new["organisation"] = new["organisation"] if new["organisation"] in kept else OTHER
        if new.get("duty_station"):
            new["duty_station"] = recoded_places.get(new["duty_station"], BLANK)
        out.append(new)
    return out, place_levels(recoded_places, places), kept


def _combinations(width: int) -> list[tuple[int, ...]]:
    sets: list[tuple[int, ...]] = []
    for size in range(1, min(LARGEST_COMBINATION, width) + 1):
        sets.extend(combinations(range(width), size))
    return sets


def _prefixes(width: int) -> list[tuple[int, ...]]:
    return [tuple(range(size)) for size in range(LARGEST_COMBINATION + 1, width + 1)]


def _blanked(values: Sequence[str], blanks: Iterable[int]) -> tuple[str, ...]:
    row = list(values)
    for index in blanks:
        row[index] = BLANK
    return tuple(row)


def _cost(before: Sequence[str], after: Sequence[str]) -> int:
    return sum(1 for old, new in zip(before, after, strict=True) if old != new)


Keys = MutableSequence[tuple[str, ...]]


def suppress(keys: Keys, k: int) -> int:
    """Blank cells of `keys` (tuples of quasi-identifiers, first the ones to blank first) until each
    tuple occurs at least k times; returns the cells blanked. Needs at least k rows.

    Rare rows first meet each other by blanking one or two columns; a row still alone joins the
    cheapest class it can (blanking where they differ, with rows a large class can spare); the
    rest meet by blanking ever more columns, and wholly blank rows are made k at the end.
    """
    if len(keys) < k:
        raise ValueError(f"{len(keys)} rows cannot be made {k}-anonymous")
    original = list(keys)
    counts = Counter(keys)
    risky = [i for i, key in enumerate(keys) if counts[key] < k]
    width = len(keys[0]) if keys else 0
    for blanks in _combinations(width):
        risky = _settle(keys, counts, risky, k, blanks) if risky else risky
    large = {key for key, n in counts.items() if n >= k}
    risky = [i for i in risky if counts[keys[i]] < k and not _join(keys, counts, large, i, k)]
    for blanks in _prefixes(width):
        risky = _settle(keys, counts, risky, k, blanks) if risky else risky
    empty = (BLANK,) * width
    for i in risky:  # left over when even the wholly blank rows are fewer than k
        _move(keys, counts, i, empty)
    _fill_blank_class(keys, counts, k, width)
    return sum(_cost(old, new) for old, new in zip(original, keys, strict=True))


def _move(keys: Keys, counts: Counter[tuple[str, ...]], i: int, to: tuple[str, ...]) -> None:
    counts[keys[i]] -= 1
    keys[i] = to
    counts[to] += 1


def _projection(width: int, blanks: Sequence[int]) -> Callable[[tuple[str, ...]], Any]:
    """The values of a key outside `blanks` (what two keys must share to meet once blanked)."""
    kept = [j for j in range(width) if j not in blanks]
    if not kept:
        return lambda key: ()
    return itemgetter(*kept)


def _settle(
    keys: Keys, counts: Counter[tuple[str, ...]], risky: list[int], k: int, blanks: Sequence[int]
) -> list[int]:
    """Blank `blanks` in every group of risky rows that then reaches k (with the rows already in
    its class); the rows left."""
    project = _projection(len(keys[risky[0]]), blanks)
    groups: dict[Any, list[int]] = {}
    for i in risky:
        groups.setdefault(project(keys[i]), []).append(i)
    # Classes already blank on `blanks`: a group meeting one of them joins it.
    existing = {
        project(key): n
        for key, n in counts.items()
        if n > 0 and BLANK in key and all(key[j] == BLANK for j in blanks)
    }
    settled: set[int] = set()
    for projected, members in groups.items():
        inside = existing.get(projected, 0)
        if inside + len(members) < k:
            continue  # (members already in the class count twice here: still short)
        target = _blanked(keys[members[0]], blanks)
        if inside:
            inside -= sum(1 for i in members if keys[i] == target)
        if inside + len(members) >= k:
            for i in members:
                _move(keys, counts, i, target)
            settled.update(members)
            existing[projected] = counts[target]
    return [i for i in risky if i not in settled]


def _join(
    keys: Keys, counts: Counter[tuple[str, ...]], large: set[tuple[str, ...]], i: int, k: int
) -> bool:
    """Settle one rare row at the least cost in cells: join a class of at least k by blanking
    where they differ (when the class is blank there), or blank the differing cells in it and in
    k-1 rows that a class of at least 2k-1 can spare (`large`: the classes of at least k, kept up
    to date). False when neither is possible."""
    row = keys[i]
    best: tuple[int, tuple[str, ...], tuple[str, ...] | None] | None = None
    for key in large:
        n = counts[key]
        if key == row:
            continue
        differ = [j for j, (a, b) in enumerate(zip(row, key, strict=True)) if a != b]
        option: tuple[int, tuple[str, ...], tuple[str, ...] | None]
        if all(key[j] == BLANK for j in differ):
            option = (len(differ), key, None)
        elif n - k >= k - 1 and counts[_blanked(row, differ)] == 0:
            donor_cells = sum(1 for j in differ if key[j] != BLANK)
            option = (len(differ) + (k - 1) * donor_cells, _blanked(row, differ), key)
        else:
            continue
        if best is None or option[0] < best[0]:
            best = option
    if best is None:
        return False
    _, target, donor = best
    if donor is not None:
        for j in [j for j, key in enumerate(keys) if key == donor][: k - 1]:
            _move(keys, counts, j, target)
    _move(keys, counts, i, target)
    if counts[target] >= k:
        large.add(target)
    return True


def _fill_blank_class(
    keys: MutableSequence[tuple[str, ...]], counts: Counter[tuple[str, ...]], k: int, width: int
) -> None:
    """When fewer than k rows are left wholly blank, blank donors from other classes: first rows a
    class larger than k can spare, then whole classes, the most blanked first."""
    empty = (BLANK,) * width
    if not 0 < counts[empty] < k:
        return
    need = k - counts[empty]
    ranked = sorted(
        (key for key in counts if key != empty and counts[key] > 0),
        key=lambda key: (-key.count(BLANK), counts[key]),
    )
    spare = [(key, counts[key] - k) for key in ranked if counts[key] > k]
    if sum(n for _, n in spare) < need:
        # No class can spare enough: the smallest whole class (at least k rows) joins instead.
        smallest = min(ranked, key=lambda key: (counts[key], -key.count(BLANK)))
        spare, need = [(smallest, counts[smallest])], counts[smallest]
    for key, n in spare:
        take = min(n, need)
        for i in [i for i, current in enumerate(keys) if current == key][:take]:
            _move(keys, counts, i, empty)
        need -= take
        if need <= 0:
            break


def anonymise(
    rows: Sequence[Mapping[str, str]],
    quasi: Sequence[str],
    k: int,
    places: Places,
    dates: Sequence[str] = (),
) -> Anonymised:
    """Global recoding, then local suppression on `quasi`: every combination of quasi-identifiers
    is shared by at least k rows. Needs at least k rows; the other columns are left as they are."""
    recoded, levels, kept = recode(rows, k, places, dates)
    keys = [tuple(row.get(column, BLANK) for column in quasi) for row in recoded]
    blanked = suppress(keys, k)
    for row, key in zip(recoded, keys, strict=True):
        row.update(zip(quasi, key, strict=True))
    shown = {row.get("duty_station", BLANK) for row in recoded}
    levels = {value: level for value, level in levels.items() if value in shown}
    return Anonymised(recoded, k, levels, kept, blanked)


def classes(rows: Iterable[Mapping[str, str]], quasi: Sequence[str]) -> Counter[tuple[str, ...]]:
    """How many rows share each combination of quasi-identifiers."""
    return Counter(tuple(row.get(column, BLANK) for column in quasi) for row in rows)
