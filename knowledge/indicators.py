"""Outcome-3 indicators (3.1, 3.1.1, 3.1.2, 3.2, 3.2.1, 3.2.2) counted from the repository.

Rules of INDICATORS.md: only published products count, each by its publication date. Cumulative
indicators count from the first year of the framework period up to the end of the reporting year.
3.1 looks at the reporting year only. The technical-support register gives 3.2.1 (UN country
teams and UN entities supported on CCA/UNSDCF processes, each recipient once) and 3.2.2 (member
states supported on national policies and plans, each country once).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from knowledge.models import KnowledgeProduct, ProductCountry, SupportRecord
from portal.models import Organisation
from portal.results.computations import count_indicator, share_indicator
from portal.results.figures import IndicatorFigure, IndicatorSpec
from portal.results.providers import ComputeContext

CONTRIBUTING_KINDS = ("member_state", "un_entity", "cso", "private_sector")
CODES = ("3.1", "3.1.1", "3.1.2", "3.2", "3.2.1", "3.2.2")


def _published_between(start: date, end: date) -> Any:
    return and_(
        KnowledgeProduct.status == "published",
        KnowledgeProduct.publication_date >= start,
        KnowledgeProduct.publication_date <= end,
    )


def _cumulative_window(context: ComputeContext) -> tuple[date, date]:
    return date(context.period_start, 1, 1), date(context.year, 12, 31)


def unv_products(session: Session, context: ComputeContext) -> int:
    """3.1.1: published products of UNV itself within the period up to the reporting year."""
    start, end = _cumulative_window(context)
    query = (
        select(func.count(KnowledgeProduct.id))
        .join(Organisation, Organisation.id == KnowledgeProduct.organisation_id)
        .where(Organisation.kind == "unv", _published_between(start, end))
    )
    return session.scalar(query) or 0


def contributing_organisations(session: Session, context: ComputeContext) -> dict[str, int]:
    """3.1.2 by kind: distinct organisations of the four counted kinds with a published product."""
    start, end = _cumulative_window(context)
    rows = session.execute(
        select(Organisation.kind, func.count(func.distinct(Organisation.id)))
        .join(KnowledgeProduct, KnowledgeProduct.organisation_id == Organisation.id)
        .where(Organisation.kind.in_(CONTRIBUTING_KINDS), _published_between(start, end))
        .group_by(Organisation.kind)
    )
    counts = dict.fromkeys(CONTRIBUTING_KINDS, 0)
    counts.update({kind: count for kind, count in rows})
    return counts


def vnr_countries(session: Session, context: ComputeContext) -> tuple[int, int]:
    """3.1: (countries with an integrating VNR, countries with any VNR) in the reporting year."""
    start, end = date(context.year, 1, 1), date(context.year, 12, 31)
    rows = session.execute(
        select(ProductCountry.country, KnowledgeProduct.volunteering_integrated)
        .join(KnowledgeProduct, KnowledgeProduct.id == ProductCountry.product_id)
        .where(KnowledgeProduct.product_type == "vnr", _published_between(start, end))
    )
    integrated: dict[str, bool] = {}
    for country, flag in rows:
        # A country with two VNRs in a year counts once, as integrating if either says so.
        integrated[country] = integrated.get(country, False) or flag is True
    return sum(integrated.values()), len(integrated)


def unsdcf_frameworks(session: Session, context: ComputeContext) -> tuple[int, int]:
    """3.2: (UNSDCF documents flagged as referencing volunteering, all UNSDCF documents)."""
    start, end = _cumulative_window(context)
    rows = session.execute(
        select(KnowledgeProduct.volunteering_integrated).where(
            KnowledgeProduct.product_type == "unsdcf", _published_between(start, end)
        )
    )
    flags = [flag for (flag,) in rows]
    return sum(flag is True for flag in flags), len(flags)


def _support_rows(
    session: Session, context: ComputeContext, kinds: tuple[str, ...], process: str
) -> list[tuple[str, str | None, int | None]]:
    rows = session.execute(
        select(
            SupportRecord.recipient_kind,
            SupportRecord.recipient_country,
            SupportRecord.recipient_organisation_id,
        )
        .where(
            SupportRecord.recipient_kind.in_(kinds),
            SupportRecord.process == process,
            SupportRecord.year >= context.period_start,
            SupportRecord.year <= context.year,
        )
        .distinct()
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def supported_un_recipients(session: Session, context: ComputeContext) -> int:
    """3.2.1: a country team is one recipient per country, a UN entity one per organisation."""
    recipients = {
        (kind, country if kind == "unct" else organisation_id)
        for kind, country, organisation_id in _support_rows(
            session, context, ("unct", "un_entity"), "cca_unsdcf"
        )
    }
    return len(recipients)


def supported_member_states(session: Session, context: ComputeContext) -> int:
    """3.2.2: distinct member states (countries) supported on national policies and plans."""
    rows = _support_rows(session, context, ("member_state",), "national_policy")
    return len({country for _kind, country, _org in rows})


def _figure_3_1_1(session: Session, context: ComputeContext) -> IndicatorFigure:
    return count_indicator(unv_products(session, context))


def _figure_3_1_2(session: Session, context: ComputeContext) -> IndicatorFigure:
    by_kind = contributing_organisations(session, context)
    return count_indicator(sum(by_kind.values()), by_kind)


def _figure_3_1(session: Session, context: ComputeContext) -> IndicatorFigure:
    return share_indicator(*vnr_countries(session, context))


def _figure_3_2(session: Session, context: ComputeContext) -> IndicatorFigure:
    return share_indicator(*unsdcf_frameworks(session, context))


def _figure_3_2_1(session: Session, context: ComputeContext) -> IndicatorFigure:
    return count_indicator(supported_un_recipients(session, context))


def _figure_3_2_2(session: Session, context: ComputeContext) -> IndicatorFigure:
    return count_indicator(supported_member_states(session, context))


_FIGURES: dict[str, Callable[[Session, ComputeContext], IndicatorFigure]] = {
    "3.1": _figure_3_1,
    "3.1.1": _figure_3_1_1,
    "3.1.2": _figure_3_1_2,
    "3.2": _figure_3_2,
    "3.2.1": _figure_3_2_1,
    "3.2.2": _figure_3_2_2,
}


def knowledge_indicator(
    session: Session, code: str, spec: IndicatorSpec, context: ComputeContext
) -> IndicatorFigure:
    """The indicator provider registered for source `knowledge` (portal.results.providers)."""
    compute = _FIGURES.get(code)
    if compute is None:
        raise KeyError(f"indicator {code} is not computed from the knowledge portal")
    return compute(session, context)
