"""Exports of a campaign's responses: the audited actions, then CSV or XLSX rows, streamed.

The default export is anonymous: refused below k responses, the attribute snapshot made
k-anonymous (surveys.anonymise), rows numbered in shuffled order, free text left out. Free-text
answers come only in their own file, shuffled and without attributes. The identifiable export
(response ids, exact snapshot, every answer) is for administrators and audited on its own.
Every value is safe to open in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.countries import countries
from portal.errors import InputError
from portal.markers import N_
from portal.models import User
from surveys.anonymise import QUASI_IDENTIFIERS, Anonymised, anonymise
from surveys.campaigns import OBJECT_TYPE, campaign_definition, get_campaign
from surveys.models import Answer, Campaign, Response
from surveys.response_rows import (
    DATE_TYPES,
    FREE_TEXT_TYPES,
    Transaction,
    attribute_text,
    iter_anonymous_rows,
    iter_free_text_rows,
    iter_rows,
    organisation_codes,
)
from surveys.spreadsheets import codebook_rows, neutralise, recoding_rows, write_xlsx

__all__ = ["neutralise", "iter_rows"]

EXPORT_FORMATS = ("csv", "xlsx")
ANONYMOUS, FREE_TEXT, IDENTIFIABLE = "anonymous", "free_text", "identifiable"
TOO_FEW = N_(
    "The campaign has %(count)s responses; an export needs at least %(k)s, so that no one can be "
    "recognised."
)


def iter_csv(rows: Iterator[Sequence[Any]]) -> Iterator[bytes]:
    """CSV as UTF-8 with a byte-order mark (so spreadsheets read it as UTF-8), chunk by chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff".encode()
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def export_csv(
    transaction: Transaction,
    campaign_id: int,
    locale: str,
    out: IO[bytes],
    up_to: int | None = None,
) -> None:
    """The campaign's identifiable responses as CSV into a binary file."""
    for chunk in iter_csv(iter_rows(transaction, campaign_id, locale, up_to)):
        out.write(chunk)


def export_xlsx(
    transaction: Transaction,
    campaign_id: int,
    locale: str,
    out: IO[bytes],
    up_to: int | None = None,
) -> None:
    """The campaign's identifiable responses as XLSX, with a codebook sheet, into a binary file."""
    with transaction() as session:
        campaign = get_campaign(session, campaign_id)
        codebook = codebook_rows(campaign_definition(campaign), locale)
    write_xlsx(iter_rows(transaction, campaign_id, locale, up_to), out, codebook)


@dataclass(frozen=True)
class ResponseExport:
    """An export the trail has recorded: its campaign, kind, format, language, the rows it holds
    and, when anonymous or free text, their shuffled order and the anonymised snapshot."""

    campaign_id: int
    fmt: str
    locale: str
    rows: int
    up_to: int  # the last response id counted; responses stored later are not in this export
    filename: str
    kind: str = IDENTIFIABLE
    order: tuple[int, ...] = ()  # response ids (anonymous) or answer ids (free text), in order
    attributes: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    anonymised: Anonymised | None = None


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
        campaign.id, fmt, locale, count, last, name, ANONYMOUS, _shuffled(ids), attributes, result
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
    return ResponseExport(campaign.id, fmt, locale, len(order), last, name, FREE_TEXT, tuple(order))


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
    return ResponseExport(campaign.id, fmt, locale, count, last, name)


def export_rows(transaction: Transaction, export: ResponseExport) -> Iterator[list[Any]]:
    """The rows of a recorded export, header rows first."""
    if export.kind == ANONYMOUS:
        return iter_anonymous_rows(
            transaction, export.campaign_id, export.locale, export.order, export.attributes
        )
    if export.kind == FREE_TEXT:
        return iter_free_text_rows(transaction, export.campaign_id, export.locale, export.order)
    return iter_rows(transaction, export.campaign_id, export.locale, export.up_to)


def _codebook(transaction: Transaction, export: ResponseExport) -> list[list[Any]] | None:
    if export.kind == FREE_TEXT:
        return None
    with transaction() as session:
        definition = campaign_definition(get_campaign(session, export.campaign_id))
    if export.anonymised is None:
        return codebook_rows(definition, export.locale)
    book = codebook_rows(definition, export.locale, free_text=False)
    return book + recoding_rows(export.anonymised, export.locale)


def write_export(transaction: Transaction, export: ResponseExport, out: IO[bytes]) -> None:
    """Write a recorded export into a binary file."""
    rows = export_rows(transaction, export)
    if export.fmt == "csv":
        for chunk in iter_csv(rows):
            out.write(chunk)
        return
    sheet = "free_text" if export.kind == FREE_TEXT else "responses"
    write_xlsx(rows, out, _codebook(transaction, export), sheet=sheet)


def iter_export(transaction: Transaction, export: ResponseExport) -> Iterator[bytes]:
    """A recorded export as chunks of bytes (an XLSX is built in a temporary file first)."""
    if export.fmt == "csv":
        yield from iter_csv(export_rows(transaction, export))
        return
    with tempfile.TemporaryFile() as handle:
        write_export(transaction, export, handle)
        handle.seek(0)
        while chunk := handle.read(256 * 1024):
            yield chunk
