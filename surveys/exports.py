"""Exports of a campaign's responses: the audited actions, then CSV or XLSX rows, streamed.

The default export is anonymous: refused below k responses, the attribute snapshot made
k-anonymous (surveys.anonymise), rows numbered in shuffled order, free text left out. Free-text
answers come only in their own file, shuffled and without attributes. The identifiable export
(response ids, exact snapshot, every answer) is for administrators and audited on its own.
Every value is safe to open in a spreadsheet.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.countries import countries
from portal.errors import InputError
from portal.formulas import safe_cell as neutralise
from portal.markers import N_
from portal.models import User
from surveys.anonymise import QUASI_IDENTIFIERS, anonymise
from surveys.campaigns import OBJECT_TYPE, campaign_definition, get_campaign
from surveys.export_files import (
    ANONYMOUS,
    EXPORT_FORMATS,
    FREE_TEXT,
    ResponseExport,
    codebook_name,
    export_codebook,
    export_rows,
    iter_export,
    write_codebook,
    write_export,
)
from surveys.models import Answer, Campaign, Response
from surveys.response_columns import DATE_TYPES, FREE_TEXT_TYPES, attribute_text
from surveys.response_rows import Transaction, organisation_codes

__all__ = [
    "EXPORT_FORMATS",
    "ResponseExport",
    "codebook_name",
    "export_codebook",
    "export_rows",
    "iter_export",
    "neutralise",
    "write_codebook",
    "write_export",
]

TOO_FEW = N_(
    "The campaign has %(count)s responses; an export needs at least %(k)s, so that no one can be "
    "recognised."
)


def write_identifiable(
    transaction: Transaction,
    campaign_id: int,
    fmt: str,
    locale: str,
    out: IO[bytes],
    up_to: int | None = None,
) -> None:
    """Write the campaign's identifiable responses (up to the response id `up_to`) in a format,
    without recording it: for benchmarks and maintenance scripts, never for a person's request."""
    with transaction() as session:
        campaign, count, last = _checked(session, campaign_id, fmt)
        name, title = _filename(campaign, fmt, "-identifiable"), _title(campaign)
    export = ResponseExport(campaign_id, fmt, locale, count, up_to or last, name, title=title)
    write_export(transaction, export, out)


def _checked(session: Session, campaign_id: int, fmt: str) -> tuple[Campaign, int, int]:
    """The campaign, its response count and last response id; a bad format is refused."""
    if fmt not in EXPORT_FORMATS:
        allowed = ", ".join(EXPORT_FORMATS)
        raise InputError(N_("%(value)s is not one of %(allowed)s."), value=fmt, allowed=allowed)
    campaign = get_campaign(session, campaign_id)
    rows, last = session.execute(
        select(func.count(Response.id), func.max(Response.id)).where(
            Response.campaign_id == campaign.id
        )
    ).one()
    return campaign, int(rows), int(last or 0)


def _enough(count: int, k: int) -> None:
    if count < k:
        raise InputError(TOO_FEW, count=count, k=k)


def _filename(campaign: Campaign, fmt: str, suffix: str = "") -> str:
    return f"campaign-{campaign.id}-{campaign.survey_key}-{campaign.year}{suffix}.{fmt}"


def _title(campaign: Campaign) -> str:
    """The label of an SPSS or Stata file: the campaign's title."""
    return campaign.title


def _shuffled(values: Sequence[int]) -> tuple[int, ...]:
    shuffled = list(values)
    random.SystemRandom().shuffle(shuffled)
    return tuple(shuffled)


def _snapshot(session: Session, campaign: Campaign, up_to: int) -> dict[int, dict[str, str]]:
    """Each response's attributes as text, with its date answers (quasi-identifiers too)."""
    organisations = organisation_codes(session)
    responses = session.execute(
        select(*Response.__table__.columns).where(
            Response.campaign_id == campaign.id, Response.id <= up_to
        )
    ).all()
    table = {row.id: attribute_text(row, organisations) for row in responses}
    keys = [q.key for q in campaign_definition(campaign).questions if q.type in DATE_TYPES]
    if keys:
        dates = session.execute(
            select(Answer.response_id, Answer.question_key, Answer.value_text).where(
                Answer.campaign_id == campaign.id,
                Answer.question_key.in_(keys),
                Answer.response_id <= up_to,
            )
        )
        for response_id, key, text in dates:
            table[response_id][key] = text or ""
    for row in table.values():
        for key in keys:
            row.setdefault(key, "")
    return table


def export_responses(
    session: Session, actor: User | None, campaign_id: int, *, fmt: str, locale: str, k: int
) -> ResponseExport:
    """Record an anonymous export of the campaign's responses and return what to write, with
    `write_export` or `iter_export`: refused below k responses; audited with its format, row
    count, k and the cells suppressed."""
    campaign, count, last = _checked(session, campaign_id, fmt)
    _enough(count, k)
    table = _snapshot(session, campaign, last)
    ids = sorted(table)
    definition = campaign_definition(campaign)
    dates = tuple(q.key for q in definition.questions if q.type in DATE_TYPES)
    places = {c.iso3: (c.sub_region, c.region) for c in countries().values()}
    quasi = (*dates, *QUASI_IDENTIFIERS[campaign_definition(campaign).asks])
    result = anonymise([table[i] for i in ids], quasi, k, places, dates)
    audit.record(
        session,
        actor,
        "surveys.responses_exported",
        OBJECT_TYPE,
        campaign.id,
        format=fmt,
        rows=count,
        anonymised=True,
        k=k,
        suppressed_cells=result.suppressed,
    )
    attributes = dict(zip(ids, result.rows, strict=True))
    name = _filename(campaign, fmt)
    return ResponseExport(
        campaign.id,
        fmt,
        locale,
        count,
        last,
        name,
        ANONYMOUS,
        _shuffled(ids),
        attributes,
        result,
        _title(campaign),
    )


def export_free_text(
    session: Session, actor: User | None, campaign_id: int, *, fmt: str, locale: str, k: int
) -> ResponseExport:
    """Record an export of the free-text answers alone (no attributes, shuffled within each
    question, refused below k responses) and return what to write; audited with the count."""
    campaign, count, last = _checked(session, campaign_id, fmt)
    _enough(count, k)
    keys = [q.key for q in campaign_definition(campaign).questions if q.type in FREE_TEXT_TYPES]
    found = session.execute(
        select(Answer.id, Answer.question_key).where(
            Answer.campaign_id == campaign.id,
            Answer.question_key.in_(keys),
            Answer.response_id <= last,
            Answer.value_text.is_not(None),
            Answer.value_text != "",
        )
    ).all()
    order: list[int] = []
    for key in keys:
        order += _shuffled([answer_id for answer_id, question in found if question == key])
    audit.record(
        session,
        actor,
        "surveys.free_text_exported",
        OBJECT_TYPE,
        campaign.id,
        format=fmt,
        rows=len(order),
        k=k,
    )
    name = _filename(campaign, fmt, "-free-text")
    return ResponseExport(
        campaign.id,
        fmt,
        locale,
        len(order),
        last,
        name,
        FREE_TEXT,
        tuple(order),
        title=_title(campaign),
    )


def export_identifiable_responses(
    session: Session, actor: User | None, campaign_id: int, *, fmt: str, locale: str
) -> ResponseExport:
    """Record an identifiable export (response ids, exact snapshot, every answer; for
    administrators) and return what to write; audited on its own with format and row count."""
    campaign, count, last = _checked(session, campaign_id, fmt)
    audit.record(
        session,
        actor,
        "surveys.identifiable_responses_exported",
        OBJECT_TYPE,
        campaign.id,
        format=fmt,
        rows=count,
    )
    name = _filename(campaign, fmt, "-identifiable")
    return ResponseExport(campaign.id, fmt, locale, count, last, name, title=_title(campaign))
