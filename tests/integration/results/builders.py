"""Fixed data sets for the results tests, built through the surveys and knowledge models."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from knowledge.models import KnowledgeProduct, ProductCountry, SupportRecord
from portal.auth import accounts
from portal.countries import countries
from portal.models import Organisation
from portal.results.models import IndicatorTarget
from surveys import campaigns
from surveys.answering import submit_response
from surveys.models import Campaign, Invitation

_counter = itertools.count(1)
GLOBAL_SOUTH_FLAG = "developing_2017"


def campaign(session: Session, survey_key: str, year: int) -> Campaign:
    """An open campaign of `survey_key` for `year`."""
    found = campaigns.create_campaign(session, None, survey_key, year, title=f"{survey_key} {year}")
    return campaigns.open_campaign(session, None, found.id, now=datetime(year, 1, 2, tzinfo=UTC))


def respond(
    session: Session,
    to: Campaign,
    answers: Mapping[str, str],
    submitted_at: datetime | None = None,
    **attributes: Any,
) -> Invitation:
    """One invitee who answered `answers` (a question left out is a skipped question)."""
    invitation = Invitation(
        campaign=to, source="import", contact_email=f"person{next(_counter)}@example.org",
        **attributes,
    )  # fmt: skip
    session.add(invitation)
    session.flush()
    moment = submitted_at or datetime(to.year, 6, 1, 12, tzinfo=UTC)
    definition = campaigns.campaign_definition(to)
    submit_response(session, invitation, definition, dict(answers), moment, GLOBAL_SOUTH_FLAG)
    return invitation


def invite(session: Session, to: Campaign, count: int) -> None:
    """Invitees who never answered (they count in the response rate only)."""
    for _ in range(count):
        session.add(
            Invitation(campaign=to, source="roster", contact_email=f"p{next(_counter)}@example.org")
        )
    session.flush()


def partner_answer(
    session: Session, to: Campaign, organisation: Organisation, answers: Mapping[str, str]
) -> Invitation:
    """A partner office of `organisation` (a new country office) answering the survey."""
    stations = sorted(countries())
    used = {office.duty_station for office in organisation.offices}
    station = next(code for code in stations if code not in used)
    office = accounts.add_office(
        session, organisation, "country", station, f"{organisation.code} office {station}"
    )
    return respond(
        session, to, answers, organisation_id=organisation.id, office_id=office.id,
        office_type="country", duty_station=office.duty_station,
    )  # fmt: skip


def volunteer(
    session: Session,
    to: Campaign,
    satisfied: str | None,
    developed: str | None = "fully_agree",
    submitted_at: datetime | None = None,
    **attributes: Any,
) -> Invitation:
    answers = {
        key: code
        for key, code in (
            ("satisfied_experience", satisfied),
            ("development_contribution", developed),
        )
        if code is not None
    }
    return respond(session, to, answers, submitted_at, **attributes)


def product(
    session: Session,
    organisation: Organisation,
    published: date,
    *,
    product_type: str = "report",
    status: str = "published",
    integrated: bool | None = None,
    countries: tuple[str, ...] = (),
) -> KnowledgeProduct:
    item = KnowledgeProduct(
        title=f"Product {next(_counter)}",
        product_type=product_type,
        language="en",
        publication_date=published,
        organisation_id=organisation.id,
        status=status,
        volunteering_integrated=integrated,
        published_at=datetime(published.year, published.month, published.day, tzinfo=UTC)
        if status == "published"
        else None,
        rejection_reason="Out of scope" if status == "rejected" else None,
    )
    session.add(item)
    session.flush()
    for country in countries:
        session.add(ProductCountry(product_id=item.id, country=country))
    session.flush()
    return item


def support(session: Session, kind: str, year: int, process: str, **recipient: Any) -> None:
    session.add(
        SupportRecord(recipient_kind=kind, recipient_name="Recipient", year=year, process=process,
                      **recipient)
    )  # fmt: skip
    session.flush()


def target(session: Session, code: str, year: int, value: float | None, **baseline: Any) -> None:
    session.add(IndicatorTarget(code=code, year=year, target=value, **baseline))
    session.flush()
