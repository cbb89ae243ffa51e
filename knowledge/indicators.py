"""Outcome-3 indicators (3.1, 3.1.1, 3.1.2, 3.2, 3.2.1, 3.2.2) counted from the repository.

Rules of INDICATORS.md: only published products count, each by its publication date. Cumulative
indicators count from the first year of the framework period up to the end of the reporting year.
3.1 looks at the reporting year only. 3.1 and 3.2 count only stated "volunteering integrated"
flags: an unstated flag is unknown and left out of the denominator (docs/indicators.md). The
technical-support register gives 3.2.1 (UN country teams and UN entities supported on CCA/UNSDCF
processes, each recipient once) and 3.2.2 (member states supported on national policies and
plans, each country once).
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
# The `excluded` key of 3.1 and 3.2: VNRs (countries) and UNSDCF documents whose flag is unstated.
NOT_STATED = "not_stated"


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


def vnr_countries(session: Session, context: ComputeContext) -> tuple[int, int, int]:
    """3.1: (integrating countries, countries with a known answer, countries left out) in the year.

    A country counts once: integrating when any of its VNRs of the year is flagged so, not
    integrating when every one is flagged "no". A country whose VNRs leave the flag unstated (and
    none says yes) has no known answer: it is left out of the denominator, not counted as "no".
    """
    start, end = date(context.year, 1, 1), date(context.year, 12, 31)
    rows = session.execute(
        select(ProductCountry.country, KnowledgeProduct.volunteering_integrated)
        .join(KnowledgeProduct, KnowledgeProduct.id == ProductCountry.product_id)
        .where(KnowledgeProduct.product_type == "vnr", _published_between(start, end))
    )
    flags: dict[str, list[bool | None]] = {}
    for country, flag in rows:
        flags.setdefault(country, []).append(flag)
    integrating = sum(any(f is True for f in given) for given in flags.values())
    not_integrating = sum(all(f is False for f in given) for given in flags.values())
    known = integrating + not_integrating
    return integrating, known, len(flags) - known


def unsdcf_frameworks(session: Session, context: ComputeContext) -> tuple[int, int, int]:
    """3.2: (UNSDCF documents flagged as referencing volunteering, documents with a stated flag,
    documents left out because their flag is unstated), within the period up to the year."""
    start, end = _cumulative_window(context)
    rows = session.execute(
        select(KnowledgeProduct.volunteering_integrated).where(
            KnowledgeProduct.product_type == "unsdcf", _published_between(start, end)
        )
    )
    flags = [flag for (flag,) in rows]
    stated = [flag for flag in flags if flag is not None]
    return sum(stated), len(stated), len(flags) - len(stated)


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


def _flag_share(numerator: int, stated: int, unstated: int) -> IndicatorFigure:
    """A share over the stated flags; how many were left out unstated travels with it."""
    figure = share_indicator(numerator, stated)
    figure["excluded"] = {NOT_STATED: unstated}
    return figure


def _figure_3_1(session: Session, context: ComputeContext) -> IndicatorFigure:
    return _flag_share(*vnr_countries(session, context))


def _figure_3_2(session: Session, context: ComputeContext) -> IndicatorFigure:
    return _flag_share(*unsdcf_frameworks(session, context))


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
