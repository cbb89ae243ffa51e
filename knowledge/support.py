"""The technical-support register: UNV's support to UN country teams, UN entities and member states.

Each record names one recipient and one process; indicators 3.2.1 and 3.2.2 count the distinct
recipients (see knowledge.indicators).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge.models import RECIPIENT_KINDS, SUPPORT_PROCESSES, SupportRecord
from portal import audit
from portal.collation import sorted_by_name
from portal.countries import countries, is_country
from portal.db import utcnow
from portal.errors import FieldError
from portal.markers import N_
from portal.models import Organisation, User

#: Years a support record may name (the table's check constraint says the same).
YEARS = (2000, 2100)

MAX_DESCRIPTION = 5_000
AUDIT_TYPE = "knowledge_support_record"


@dataclass(frozen=True)
class SupportInput:
    recipient_kind: str
    year: int
    process: str
    description: str = ""
    recipient_country: str | None = None
    recipient_organisation_id: int | None = None
    recipient_name: str = ""


def _validated(session: Session, data: SupportInput) -> SupportInput:
    if data.recipient_kind not in RECIPIENT_KINDS:
        raise FieldError(
            "recipient_kind", N_("Unknown recipient %(value)s."), value=data.recipient_kind
        )
    if data.process not in SUPPORT_PROCESSES:
        raise FieldError("process", N_("Unknown process %(value)s."), value=data.process)
    if not YEARS[0] <= data.year <= YEARS[1]:
        raise FieldError("year", N_("The year must be between 2000 and 2100."))
    if len(data.description) > MAX_DESCRIPTION:
        raise FieldError(
            "description",
            N_("The description is longer than %(max)s characters."),
            max=MAX_DESCRIPTION,
        )
    country = (data.recipient_country or "").strip().upper() or None
    name = " ".join(data.recipient_name.split())[:200]
    organisation_id = None
    if data.recipient_kind == "un_entity":
        organisation = (
            session.get(Organisation, data.recipient_organisation_id)
            if data.recipient_organisation_id
            else None
        )
        if organisation is None or organisation.kind != "un_entity":
            raise FieldError(
                "recipient_organisation", N_("Choose the UN entity that received the support.")
            )
        organisation_id, name = organisation.id, name or organisation.name
        if country is not None and not is_country(country):
            raise FieldError(
                "recipient_country", N_("Unknown country code %(value)s."), value=country
            )
    else:
        if country is None or not is_country(country):
            raise FieldError(
                "recipient_country", N_("Choose the country of the country team or member state.")
            )
        name = name or countries()[country].name("en")
    return SupportInput(
        recipient_kind=data.recipient_kind,
        year=data.year,
        process=data.process,
        description=data.description.strip(),
        recipient_country=country,
        recipient_organisation_id=organisation_id,
        recipient_name=name,
    )


def _apply(record: SupportRecord, data: SupportInput) -> None:
    record.recipient_kind, record.recipient_name = data.recipient_kind, data.recipient_name
    record.recipient_country = data.recipient_country
    record.recipient_organisation_id = data.recipient_organisation_id
    record.year, record.process, record.description = data.year, data.process, data.description
    record.updated_at = utcnow()


def add_support(session: Session, actor: User | None, data: SupportInput) -> SupportRecord:
    """Add a record to the register; audit "knowledge.support.added"."""
    valid = _validated(session, data)
    record = SupportRecord(created_by_id=actor.id if actor else None)
    _apply(record, valid)
    session.add(record)
    session.flush()
    _audit(session, actor, "support.added", record)
    return record


def edit_support(
    session: Session, actor: User, record: SupportRecord, data: SupportInput
) -> SupportRecord:
    """Correct a record of the register; audit "knowledge.support.edited"."""
    _apply(record, _validated(session, data))
    session.flush()
    _audit(session, actor, "support.edited", record)
    return record


def _audit(session: Session, actor: User | None, action: str, record: SupportRecord) -> None:
    audit.record(
        session,
        actor,
        f"knowledge.{action}",
        AUDIT_TYPE,
        record.id,
        recipient_kind=record.recipient_kind,
        year=record.year,
    )


def support_records(session: Session, year: int | None = None) -> list[SupportRecord]:
    query = select(SupportRecord).options(selectinload(SupportRecord.recipient_organisation))
    if year is not None:
        query = query.where(SupportRecord.year == year)
    return list(session.scalars(query.order_by(SupportRecord.year.desc(), SupportRecord.id.desc())))


def un_entities(session: Session) -> list[Organisation]:
    """The UN entities, in the alphabetical order of their names."""
    entities = session.scalars(select(Organisation).where(Organisation.kind == "un_entity"))
    return sorted_by_name(entities, lambda org: org.name)
