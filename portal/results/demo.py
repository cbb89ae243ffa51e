"""Demo baselines, targets and staff-entered values (invented figures, marked as demo)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.results.models import IndicatorTarget, StaffValue
from portal.results.targets import TargetInput, ValueInput, save_target, save_value

DEMO_NOTE = "Demo figure: invented for the demonstration, not an official UNV figure."
YEARS = (2022, 2023, 2024, 2025)

# code: (baseline, baseline year, targets for 2022-2025)
TARGETS: dict[str, tuple[float | None, int | None, tuple[float, ...]]] = {
    "1.1": (60, 2021, (62, 64, 66, 70)),
    "1.2": (None, None, (0.85, 0.85, 0.88, 0.9)),
    "1.1.1": (158, 2021, (160, 162, 164, 165)),
    "1.1.2": (10000, 2021, (10500, 11000, 11500, 12000)),
    "1.1.3": (12000, 2021, (13000, 14000, 15000, 16000)),
    "1.2.1": (0.91, 2017, (0.9, 0.9, 0.9, 0.9)),
    "1.2.2": (0.93, 2017, (0.92, 0.92, 0.92, 0.92)),
    "2.1": (65, 2017, (60, 55, 50, 45)),
    "2.2": (None, None, (0.6, 0.65, 0.7, 0.75)),
    "2.1.1": (0.12, 2021, (0.115, 0.11, 0.105, 0.1)),
    "2.2.1": (None, None, (10e6, 20e6, 30e6, 40e6)),
    "2.2.2": (0.59, 2017, (0.58, 0.59, 0.6, 0.6)),
    "3.1": (None, None, (0.4, 0.45, 0.5, 0.5)),
    "3.2": (None, None, (0.5, 0.55, 0.6, 0.6)),
    "3.1.1": (None, None, (5, 10, 15, 20)),
    "3.1.2": (None, None, (5, 10, 15, 20)),
    "3.2.1": (None, None, (5, 10, 15, 20)),
    "3.2.2": (None, None, (3, 6, 9, 12)),
}

_PEOPLE = ("female", "disability", "global_south", "africa", "sids", "ldc", "lldc", "refugee",
           "youth")  # fmt: skip
# code: values for 2022-2025, each (value, breakdown)
VALUES: dict[str, tuple[tuple[float, dict[str, Any]], ...]] = {
    "1.1": tuple(
        (total, {"regional_country_offices": offices, "duty_stations": stations})
        for total, offices, stations in (
            (62, 410, 165),
            (65, 428, 171),
            (63, 431, 168),
            (68, 447, 174),
        )
    ),  # fmt: skip
    "1.1.1": tuple((n, {}) for n in (158, 161, 165, 163)),
    "1.1.2": tuple(
        (total, dict(zip(_PEOPLE, shares, strict=True)))
        for total, shares in (
            (10200, (0.54, 210, 8100, 3600, 420, 4100, 1800, 150, 2500)),
            (11300, (0.55, 240, 9000, 4000, 450, 4500, 2000, 170, 2800)),
            (11100, (0.56, 260, 8900, 3900, 430, 4400, 1950, 180, 2900)),
            (12400, (0.57, 300, 9900, 4400, 470, 4900, 2200, 210, 3300)),
        )
    ),
    "1.1.3": tuple(
        (total, {"female": female, "youth": youth, "disability": disability})
        for total, female, youth, disability in (
            (12500, 0.59, 7900, 480),
            (12800, 0.6, 8200, 500),
            (13300, 0.6, 8600, 520),
            (14100, 0.61, 9100, 560),
        )
    ),  # fmt: skip
    "2.1": tuple(
        (days, {"national": national, "international": international})
        for days, national, international in (
            (62, 34, 66),
            (58, 32, 61),
            (56, 31, 59),
            (47, 28, 52),
        )
    ),  # fmt: skip
    "2.1.1": tuple((ratio, {}) for ratio in (0.116, 0.108, 0.103, 0.112)),
    "2.2.1": tuple(
        (
            svf + ffp,
            {
                "special_voluntary_fund": svf,
                "full_funding_programme": ffp,
                "svf_donor_countries": donors,
            },
        )
        for svf, ffp, donors in (
            (3.1e6, 6.4e6, 11),
            (6.5e6, 14.1e6, 13),
            (9.2e6, 19.4e6, 14),
            (12.6e6, 27.9e6, 15),
        )
    ),  # fmt: skip
    "2.2.2": tuple(
        (women, {"women_p4_and_above": senior, "staff_global_south": south})
        for women, senior, south in (
            (0.58, 0.47, 0.5),
            (0.59, 0.49, 0.51),
            (0.6, 0.5, 0.52),
            (0.6, 0.51, 0.53),
        )
    ),  # fmt: skip
}


def load_demo(session: Session, app: Flask) -> None:
    """Store the demo targets and values that are not there yet; entered figures are kept."""
    now = utcnow()
    targets = {
        tuple(row) for row in session.execute(select(IndicatorTarget.code, IndicatorTarget.year))
    }
    values = {tuple(row) for row in session.execute(select(StaffValue.code, StaffValue.year))}
    for code, (baseline, baseline_year, yearly) in TARGETS.items():
        for year, target in zip(YEARS, yearly, strict=True):
            if (code, year) not in targets:
                entry = TargetInput(code, year, baseline, baseline_year, target, DEMO_NOTE)
                save_target(session, entry, None, now)
    for code, yearly_values in VALUES.items():
        for year, (value, breakdown) in zip(YEARS, yearly_values, strict=True):
            if (code, year) not in values and year <= now.year:
                save_value(session, ValueInput(code, year, value, breakdown, DEMO_NOTE), None, now)
