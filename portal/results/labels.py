"""Translated names of the results codes people see: groups, statuses, units, sources."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.results.framework import Indicator

# The shared disaggregation groups; breakdowns of one indicator only carry their own titles.
GROUP_LABELS: dict[str, Any] = {
    "female": _l("Women"),
    "national": _l("National UN Volunteers"),
    "international": _l("International UN Volunteers"),
    "youth": _l("Youth (18-29)"),
    "disability": _l("Persons with disabilities"),
    "onsite": _l("Onsite"),
    "online": _l("Online"),
    "global_south": _l("Global South"),
    "africa": _l("Africa"),
    "sids": _l("Small island developing States"),
    "ldc": _l("Least developed countries"),
    "lldc": _l("Landlocked developing countries"),
    "refugee": _l("Refugees"),
}
STATUS_LABELS: dict[str, Any] = {
    "green": _l("Green: on target"),
    "yellow": _l("Yellow: below target"),
    "no_target": _l("No target"),
    "insufficient_data": _l("Insufficient data"),
}
UNIT_LABELS: dict[str, Any] = {
    "percent": _l("Percentage"),
    "count": _l("Number"),
    "days": _l("Days"),
    "ratio": _l("Ratio"),
    "usd": _l("US dollars"),
}
SOURCE_LABELS: dict[str, Any] = {
    "partner_survey": _l("UN partner survey"),
    "volunteer_exit": _l("Volunteer exit questionnaire"),
    "knowledge": _l("Knowledge portal"),
    "staff": _l("Entered by UNV staff"),
}
SUPPRESSION_LABELS: dict[str, Any] = {
    "below_k": _l("fewer valid answers than the publication threshold"),
    "complementary": _l("withheld so that a smaller group cannot be worked out by subtraction"),
}
COMPARABILITY_LABELS: dict[str, Any] = {
    "equivalent": _l("Same measure"),
    "related": _l("Related measure, for context only"),
}
QUALIFIER_LABELS: dict[str, Any] = {
    "approximately": _l("approximately"),
    "more_than": _l("more than"),
}


def breakdown_label(indicator: Indicator, key: str, locale: str) -> str:
    """The indicator's own title for a breakdown item, else the shared group's name."""
    for item in indicator.breakdown:
        if item.key == key and (title := item.title_for(locale)):
            return title
    return str(GROUP_LABELS.get(key, key))
