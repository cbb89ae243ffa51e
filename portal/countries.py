"""The UN M49 country table: ISO3 codes, names in UN languages, regions, LDC/LLDC/SIDS flags."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portal.collation import sorted_by_name

TABLE = Path(__file__).parent / "data" / "m49_countries.csv"
NAME_LANGUAGES = ("en", "fr", "es", "zh", "ar", "ru")


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    m49: str
    names: dict[str, str]
    region: str
    sub_region: str
    flags: dict[str, str]

    def name(self, locale: str) -> str:
        return self.names.get(locale[:2]) or self.names["en"]

    def row(self) -> dict[str, str]:
        """The M49 attributes as plain strings, as the indicator computations take them."""
        return {"region": self.region, "sub_region": self.sub_region, **self.flags}


@cache
def countries() -> dict[str, Country]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table: dict[str, Country] = {}
    for row in rows:
        table[row["iso3"]] = Country(
            iso3=row["iso3"],
            iso2=row["iso2"],
            m49=row["m49"],
            names={lang: row[f"name_{lang}"] for lang in NAME_LANGUAGES},
            region=row["region"],
            sub_region=row["sub_region"],
            flags={key: row[key] for key in ("ldc", "lldc", "sids", "developing_2017")},
        )
    return table


def is_country(code: str | None) -> bool:
    return bool(code) and code in countries()


def country_choices(locale: str) -> list[tuple[str, str]]:
    """(ISO3, name) pairs in the alphabetical order of the name in the given language."""
    return list(_country_choices(locale[:2]))


@cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    pairs = [(c.iso3, c.name(language)) for c in countries().values()]
    return tuple(sorted_by_name(pairs, lambda pair: pair[1]))
