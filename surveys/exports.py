"""Exports of a campaign's responses: the audited action, then CSV or XLSX rows, streamed.

Every value is safe to open in a spreadsheet; the rows hold the attribute snapshot, no identity.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any

from flask_babel import force_locale, lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import InputError, NotFound
from portal.markers import N_
from portal.models import Organisation, User
from surveys.campaigns import OBJECT_TYPE, campaign_definition, get_campaign
from surveys.models import Answer, Campaign, Response
from surveys.questionnaire import CHOICE_TYPES, Question, SurveyDefinition, text_for
from surveys.spreadsheets import codebook_rows, neutralise, write_xlsx

BATCH = 1000
_ATTRIBUTES: Mapping[str, tuple[tuple[str, Any], ...]] = {
    "partner": (
        ("organisation", lazy_gettext("Organisation")),
        ("office_type", lazy_gettext("Office type")),
        ("duty_station", lazy_gettext("Duty station")),
    ),
    "volunteer_exit": (
        ("gender", lazy_gettext("Gender")),
        ("category", lazy_gettext("Category")),
        ("modality", lazy_gettext("Modality")),
        ("age_band", lazy_gettext("Age band")),
        ("youth", lazy_gettext("Youth (18-29)")),
        ("disability", lazy_gettext("Person with a disability")),
        ("global_south", lazy_gettext("From the Global South")),
        ("africa", lazy_gettext("From Africa")),
        ("sids", lazy_gettext("From a small island developing state")),
        ("ldc", lazy_gettext("From a least developed country")),
        ("lldc", lazy_gettext("From a landlocked developing country")),
        ("refugee", lazy_gettext("Refugee")),
        ("duty_station", lazy_gettext("Duty station")),
        ("organisation", lazy_gettext("Host entity")),
    ),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    question: Question | None = None
    labels: bool = False  # the column of option labels next to a choice question's codes


def columns_for(campaign: Campaign, definition: SurveyDefinition, locale: str) -> list[Column]:
    """The export's columns: response facts, attribute snapshot, then one or two per question."""
    with force_locale(locale):
        fixed = [
            Column("response", str(lazy_gettext("Response"))),
            Column("submitted_on", str(lazy_gettext("Submitted on"))),
            Column("reporting_year", str(lazy_gettext("Reporting year"))),
        ]
        fixed += [Column(key, str(label)) for key, label in _ATTRIBUTES[campaign.survey_key]]
        suffix = str(lazy_gettext("(label)"))
    for question in definition.questions:
        label = text_for(question.label, locale)
        fixed.append(Column(question.key, label, question))
        if question.type in CHOICE_TYPES:
            fixed.append(Column(f"{question.key}_label", f"{label} {suffix}", question, True))
    return fixed


def _cell(column: Column, response: Any, answers: Mapping[str, list[Any]], ctx: Any) -> Any:
    if column.question is None:
        if column.key == "response":
            return response.id
        if column.key == "submitted_on":
            return response.submitted_at.date().isoformat()
        if column.key == "organisation":
            return ctx.organisations.get(response.organisation_id, "")
        value = getattr(response, column.key)
        return {True: "yes", False: "no", None: ""}.get(value, value)
    values = answers.get(column.question.key, [])
    if column.question.type not in CHOICE_TYPES:
        return values[0] if values else ""
    order = column.question.codes
    codes = sorted(values, key=lambda code: order.index(code) if code in order else len(order))
    if not column.labels:
        return ";".join(codes)
    options = {option.code: option.label for option in column.question.options}
    return "; ".join(text_for(options.get(c, {"en": c}), ctx.locale) for c in codes)


@dataclass(frozen=True)
class _Context:
    organisations: Mapping[int, str]
    locale: str


def _answers_by_response(
    session: Session, response_ids: list[int]
) -> dict[int, dict[str, list[Any]]]:
    grouped: dict[int, dict[str, list[Any]]] = {}
    # By the batch's ids: a campaign filter would let the planner scan all the campaign's answers
    # once per batch instead of using the (response_id, question_key) index.
    rows = session.execute(
        select(
            Answer.response_id,
            Answer.question_key,
            Answer.value_code,
            Answer.value_text,
            Answer.value_number,
        ).where(Answer.response_id.in_(response_ids))
    )
    for response_id, key, code, text, number in rows:
        if number is not None and float(number).is_integer():
            number = int(number)
        value = code if code is not None else text if text is not None else number
        grouped.setdefault(response_id, {}).setdefault(key, []).append(value)
    return grouped


Transaction = Callable[[], AbstractContextManager[Session]]


def iter_rows(
    transaction: Transaction, campaign_id: int, locale: str, up_to: int | None = None
) -> Iterator[list[Any]]:
    """Two header rows (keys, then labels), then one neutralised row per response (up to the
    response id `up_to`, when given: the responses an audited export counted).

    Each batch is read in a short transaction of its own (`transaction()` gives one), so that a
    long export neither holds SQLite's write lock nor builds up objects in memory.
    """
    with transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(f"campaign {campaign_id}")
        columns = columns_for(campaign, campaign_definition(campaign), locale)
        organisations = dict(session.execute(select(Organisation.id, Organisation.code)).all())
    yield [column.key for column in columns]
    yield [neutralise(column.label) for column in columns]
    ctx = _Context(organisations, locale)
    after = 0
    while True:
        with transaction() as session:
            # Plain rows, not ORM objects: nothing accumulates in an identity map.
            query = select(*Response.__table__.columns).where(
                Response.campaign_id == campaign_id, Response.id > after
            )
            if up_to is not None:
                query = query.where(Response.id <= up_to)
            batch = session.execute(query.order_by(Response.id).limit(BATCH)).all()
            if not batch:
                return
            answers = _answers_by_response(session, [row.id for row in batch])
        for response in batch:
            by_question = answers.get(response.id, {})
            yield [neutralise(_cell(c, response, by_question, ctx)) for c in columns]
        after = batch[-1].id


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
    """The campaign's responses as CSV into a binary file."""
    for chunk in iter_csv(iter_rows(transaction, campaign_id, locale, up_to)):
        out.write(chunk)


def export_xlsx(
    transaction: Transaction,
    campaign_id: int,
    locale: str,
    out: IO[bytes],
    up_to: int | None = None,
) -> None:
    """The campaign's responses as XLSX, with a codebook sheet, into a binary file."""
    with transaction() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(f"campaign {campaign_id}")
        codebook = codebook_rows(campaign_definition(campaign), locale)
    write_xlsx(iter_rows(transaction, campaign_id, locale, up_to), out, codebook)


EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ResponseExport:
    """An export the trail has recorded: its campaign, format, language and the rows it holds."""

    campaign_id: int
    fmt: str
    locale: str
    rows: int
    up_to: int  # the last response id counted; responses stored later are not in this export
    filename: str


def export_responses(
    session: Session, actor: User | None, campaign_id: int, *, fmt: str, locale: str
) -> ResponseExport:
    """Record an export of the campaign's responses (access to identifiable data: audited with
    its format and row count) and return what to write, with `write_export` or `iter_export`."""
    if fmt not in EXPORT_FORMATS:
        allowed = ", ".join(EXPORT_FORMATS)
        raise InputError(N_("%(value)s is not one of %(allowed)s."), value=fmt, allowed=allowed)
    campaign = get_campaign(session, campaign_id)
    rows, last = session.execute(
        select(func.count(Response.id), func.max(Response.id)).where(
            Response.campaign_id == campaign.id
        )
    ).one()
    audit.record(
        session,
        actor,
        "surveys.responses_exported",
        OBJECT_TYPE,
        campaign.id,
        format=fmt,
        rows=int(rows),
    )
    name = f"campaign-{campaign.id}-{campaign.survey_key}-{campaign.year}.{fmt}"
    return ResponseExport(campaign.id, fmt, locale, int(rows), int(last or 0), name)


def write_export(transaction: Transaction, export: ResponseExport, out: IO[bytes]) -> None:
    """Write a recorded export into a binary file."""
    write = export_csv if export.fmt == "csv" else export_xlsx
    write(transaction, export.campaign_id, export.locale, out, export.up_to)


def iter_export(transaction: Transaction, export: ResponseExport) -> Iterator[bytes]:
    """A recorded export as chunks of bytes (an XLSX is built in a temporary file first)."""
    if export.fmt == "csv":
        rows = iter_rows(transaction, export.campaign_id, export.locale, export.up_to)
        yield from iter_csv(rows)
        return
    with tempfile.TemporaryFile() as handle:
        write_export(transaction, export, handle)
        handle.seek(0)
        while chunk := handle.read(256 * 1024):
            yield chunk
