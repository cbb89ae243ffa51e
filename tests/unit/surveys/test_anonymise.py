"""The anonymiser of per-response exports: k-anonymous classes, no row dropped, recodings."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.anonymise import (
    BLANK,
    OTHER,
    QUASI_IDENTIFIERS,
    anonymise,
    classes,
    coarsen_places,
    recode,
    suppress,
)

PLACES = {
    "KEN": ("Sub-Saharan Africa", "Africa"),
    "UGA": ("Sub-Saharan Africa", "Africa"),
    "TZA": ("Sub-Saharan Africa", "Africa"),
    "EGY": ("Northern Africa", "Africa"),
    "FJI": ("Melanesia", "Oceania"),
    "THA": ("South-eastern Asia", "Asia"),
}
QUASI = QUASI_IDENTIFIERS["volunteer"]
YES_NO = st.sampled_from(["yes", "no", ""])


def person(**values: str) -> dict[str, str]:
    row = {
        "submitted_on": "2026-03-14",
        "reporting_year": "2026",
        "gender": "female",
        "category": "national",
        "modality": "onsite",
        "age_band": "18_29",
        "youth": "yes",
        "disability": "no",
        "global_south": "yes",
        "africa": "yes",
        "sids": "no",
        "ldc": "no",
        "lldc": "no",
        "refugee": "no",
        "duty_station": "KEN",
        "organisation": "UNDP",
        "satisfied_experience": "fully_agree",
    }
    row.update(values)
    return row


ROW = st.fixed_dictionaries(
    {
        "submitted_on": st.sampled_from(["2026-01-03", "2026-01-20", "2026-02-11", "2025-12-31"]),
        "reporting_year": st.sampled_from(["2025", "2026"]),
        "gender": st.sampled_from(["female", "male", "other", "undisclosed", ""]),
        "category": st.sampled_from(["national", "international", ""]),
        "modality": st.sampled_from(["onsite", "online"]),
        "age_band": st.sampled_from(["under_18", "18_29", "30_39", "40_49", "50_59", "60_plus"]),
        "youth": YES_NO,
        "disability": YES_NO,
        "global_south": YES_NO,
        "africa": YES_NO,
        "sids": YES_NO,
        "ldc": YES_NO,
        "lldc": YES_NO,
        "refugee": YES_NO,
        "duty_station": st.sampled_from([*PLACES, "", "XXX"]),
        "organisation": st.sampled_from(["UNDP", "UNICEF", "WFP", "UNHCR", ""]),
        "answer": st.sampled_from(["fully_agree", "neither", ""]),
    }
)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), k=st.integers(min_value=1, max_value=10))
def test_every_combination_is_shared_by_k_rows_and_no_row_is_dropped(data, k) -> None:
    rows = data.draw(st.lists(ROW, min_size=k, max_size=60))
    result = anonymise(rows, QUASI, k, PLACES)
    assert len(result.rows) == len(rows)
    assert min(classes(result.rows, QUASI).values()) >= k
    recoded, _, _ = recode(rows, k, PLACES)
    for before, after in zip(recoded, result.rows, strict=True):
        # Only quasi-identifier cells change, and only to blank; other columns stay.
        assert before["answer"] == after["answer"]
        assert all(after[c] in (before[c], BLANK) for c in QUASI)


@settings(max_examples=150, deadline=None)
@given(
    keys=st.lists(
        st.tuples(*[st.sampled_from("ab")] * 3 + [st.sampled_from("abcdefgh")]), min_size=1
    ),
    k=st.integers(min_value=1, max_value=8),
)
def test_suppression_alone_reaches_k_and_counts_its_cells(keys, k) -> None:
    if len(keys) < k:
        return
    work = list(keys)
    blanked = suppress(work, k)
    assert min(Counter(work).values()) >= k
    assert blanked == sum(
        a != b for old, new in zip(keys, work, strict=True) for a, b in zip(old, new, strict=True)
    )


def test_one_rare_person_loses_only_what_makes_them_unique() -> None:
    # Eleven alike, and one Fijian volunteer serving in Fiji: unique on duty station and origin.
    rows = [person() for _ in range(11)] + [person(duty_station="FJI", africa="no", sids="yes")]
    result = anonymise(rows, QUASI, 5, PLACES)
    assert sorted(classes(result.rows, QUASI).values()) == [5, 7]
    rare = result.rows[11]
    # Exactly the three cells that single them out are blanked, in their row and in four others
    # (a class of one cannot stand alone); everything else in the row is kept.
    assert (rare["duty_station"], rare["africa"], rare["sids"]) == ("", "", "")
    assert {c: rare[c] for c in QUASI if c not in ("duty_station", "africa", "sids")} == {
        c: person()[c] if c != "submitted_on" else "2026-03"
        for c in QUASI
        if c not in ("duty_station", "africa", "sids")
    }
    assert result.suppressed == 3 * 5
    assert "FJI" not in {row["duty_station"] for row in result.rows}
    assert [row["satisfied_experience"] for row in result.rows] == ["fully_agree"] * 12


def test_recodings_age_dates_places_and_host_entities() -> None:
    rows = (
        [person(duty_station="KEN", organisation="UNDP", age_band="60_plus")] * 5
        + [person(duty_station="UGA", organisation="WFP", age_band="50_59")] * 3
        + [person(duty_station="TZA", organisation="UNDP")] * 2
        + [person(duty_station="FJI", organisation="UNDP", submitted_on="2026-04-30")]
    )
    recoded, levels, kept = recode(rows, 5, PLACES)
    assert [row["duty_station"] for row in recoded] == ["KEN"] * 5 + ["Sub-Saharan Africa"] * 5 + [
        "Oceania"
    ]
    assert levels == {"KEN": "country", "Sub-Saharan Africa": "sub_region", "Oceania": "region"}
    assert kept == frozenset({"UNDP"})
    assert {row["organisation"] for row in recoded} == {"UNDP", OTHER}
    assert [row["age_band"] for row in recoded[:8]] == ["50_plus"] * 8
    assert recoded[-1]["submitted_on"] == "2026-04"


def test_places_outside_the_table_become_blank() -> None:
    assert coarsen_places(["XXX", "KEN"], 1, PLACES) == {"XXX": "", "KEN": "KEN"}


def test_a_population_of_distinct_people_ends_in_one_blank_class() -> None:
    rows = [person(gender=g, duty_station=d) for g, d in zip("abcde", PLACES, strict=False)]
    result = anonymise(rows, QUASI, 5, PLACES)
    assert len(classes(result.rows, QUASI)) == 1
    assert result.suppressed > 0


def test_fewer_rows_than_k_cannot_be_anonymised() -> None:
    try:
        suppress([("a",)] * 4, 5)
    except ValueError as error:
        assert "5-anonymous" in str(error)
    else:
        raise AssertionError("four rows were called 5-anonymous")
