"""Demo survey data: partner and volunteer campaigns for this year and last, with answers."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth import accounts
from portal.countries import countries
from portal.db import utcnow
from portal.models import Office, Organisation
from surveys import campaigns
from surveys.answer_rules import validate_complete
from surveys.answering import submit_response
from surveys.invitations import create_invitations, issue_link
from surveys.models import Campaign, Invitation
from surveys.page_flow import visible_questions
from surveys.questionnaire import LIKERT_CODES, Question, SurveyDefinition
from surveys.rosters import RosterEntry

SEED = 2022_2025
DEMO_MARK = "(demo)"
# Country offices added to the demo's UN entities, so that the partner survey has enough offices.
COUNTRY_OFFICES = {
    "UNDP": "BGD COL COD ETH FJI GHA GTM HTI IND JOR LBN MDG MLI MOZ NPL PAK PER PHL TLS UGA ZMB",
    "UNICEF": "ECU KEN MLI NER NPL SEN SSD TCD UGA YEM",
    "WFP": "BFA HTI KEN MOZ NER SOM",
    "UNHCR": "BGD COL KEN LBN TCD UGA",
}
LANGUAGE_BY_COUNTRY = {
    **dict.fromkeys("SEN MLI NER BFA TCD COD HTI MDG".split(), "fr"),
    **dict.fromkeys("ECU COL PER GTM PAN".split(), "es"),
}
STATIONS = "KEN ECU SEN BGD HTI SSD JOR THA COD MLI NPL COL LBN FJI TLS UGA MOZ PHL".split()
NATIONALITIES = "KEN NGA SEN BGD IND PHL COL ECU FRA ITA JPN CAN HTI FJI NPL BFA UGA SYR".split()
HOSTS = ("UNDP", "UNICEF", "WFP", "UNHCR", "UNV")
# Answer shares for fully agree ... fully disagree, don't know, not applicable.
LIKERT_WEIGHTS = {
    "satisfied_experience": (56, 32, 5, 3, 1, 2, 1),
    "development_contribution": (60, 30, 5, 2, 1, 1, 1),
    "expectations_met": (47, 38, 7, 4, 2, 2, 0),
    "recruitment_efficient": (27, 39, 14, 12, 5, 3, 0),
    "security_support": (40, 30, 8, 5, 2, 3, 12),
}
DEFAULT_WEIGHTS = (38, 35, 12, 7, 3, 4, 1)
COMMENTS = (
    "The support from the field unit made a real difference.",
    "Plus de formation avant le départ serait utile.",
    "El proceso de contratación fue largo pero bien acompañado.",
    "希望能有更多与其他志愿人员交流的机会。",
    "Faster onboarding of online volunteers, please.",
)


def _add_offices(session: Session) -> None:
    for code, stations in COUNTRY_OFFICES.items():
        org = accounts.organisation_by_code(session, code)
        present = {(office.office_type, office.duty_station) for office in org.offices}
        for station in stations.split():
            if ("country", station) not in present:
                name = f"{code} {countries()[station].name('en')}"
                accounts.add_office(session, org, "country", station, name)


def _answer(question: Question, rng: random.Random, entry: RosterEntry) -> Any:
    if question.type == "likert5":
        weights = LIKERT_WEIGHTS.get(question.key, DEFAULT_WEIGHTS)
        if question.key == "security_support" and entry.modality == "online":
            return "not_applicable"
        return rng.choices(LIKERT_CODES, weights)[0]
    if question.type == "single":
        return rng.choice(question.codes)
    if question.type == "multiple":
        plain = [o.code for o in question.options if not o.exclusive] or list(question.codes)
        return sorted(rng.sample(plain, k=min(len(plain), rng.randint(1, 3))), key=plain.index)
    if question.type == "number":
        low = int(question.minimum if question.minimum is not None else 1)
        high = int(question.maximum if question.maximum is not None else low + 40)
        return rng.randint(low, min(high, low + 40))
    if question.type == "date":
        day = entry.assignment_end or date(2024, 6, 30)
        earliest, latest = question.earliest or day, question.latest or day
        return min(max(day, earliest), latest).isoformat()
    return rng.choice(COMMENTS)[: question.max_length]


def demo_answers(
    definition: SurveyDefinition, rng: random.Random, entry: RosterEntry
) -> dict[str, Any]:
    """A plausible complete response, page by page, honouring conditions and required flags."""
    answers: dict[str, Any] = {}
    for page_index in range(len(definition.pages)):
        for question in visible_questions(definition, page_index, answers):
            optional_text = question.type == "text" and rng.random() > 0.3
            if not question.required and (optional_text or rng.random() < 0.05):
                continue
            answers[question.key] = _answer(question, rng, entry)
    problems = validate_complete(definition, answers)
    if problems:
        raise ValueError(f"demo answers break {definition.key}: {problems}")
    return answers


def _volunteer(rng: random.Random, number: int, year: int, hosts: dict[str, int]) -> RosterEntry:
    category = "national" if rng.random() < 0.41 else "international"
    modality = "online" if rng.random() < 0.15 else "onsite"
    station = rng.choice(STATIONS)
    end = date(year, 1, 1) + timedelta(days=rng.randrange(0, 360))
    return RosterEntry(
        line=number,
        email=f"volunteer{number:04d}.{year}@demo.example",
        name=f"Demo volunteer {number}",
        locale=LANGUAGE_BY_COUNTRY.get(station),
        gender=rng.choices(("female", "male", "other", "undisclosed"), (47, 49, 1, 3))[0],
        category=category,
        modality=modality,
        age=rng.choice((rng.randint(18, 29), rng.randint(30, 39), rng.randint(30, 64))),
        disability=rng.random() < 0.04,
        nationality=station if category == "national" else rng.choice(NATIONALITIES),
        refugee=rng.random() < 0.02,
        duty_station=station,
        organisation_id=hosts[rng.choices(HOSTS, (40, 20, 15, 15, 10))[0]],
        assignment_start=end - timedelta(days=rng.randrange(180, 720)),
        assignment_end=end,
    )


def _partner_entries(session: Session) -> list[RosterEntry]:
    offices = session.scalars(
        select(Office)
        .join(Organisation, Organisation.id == Office.organisation_id)
        .where(Organisation.kind == "un_entity")
        .order_by(Office.id)
    )
    return [
        RosterEntry(
            line=index,
            email=f"focal.{office.organisation.code}.{office.office_type}."
            f"{office.duty_station or 'hq'}@demo.example".lower(),
            locale=LANGUAGE_BY_COUNTRY.get(office.duty_station or ""),
            organisation_id=office.organisation_id,
            office_type=office.office_type,
            duty_station=office.duty_station,
        )
        for index, office in enumerate(offices, 1)
    ]


def _moment(rng: random.Random, year: int, now: datetime) -> datetime:
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = min(datetime(year, 12, 31, 23, tzinfo=UTC), now - timedelta(hours=1))
    return start + (end - start) * rng.random()


def _campaign(session: Session, survey_key: str, year: int, now: datetime) -> Campaign | None:
    title = f"{'UN partner survey' if survey_key == 'partner' else 'Exit questionnaire'} "
    title += f"{year} {DEMO_MARK}"
    if session.scalar(select(Campaign.id).where(Campaign.title == title)) is not None:
        return None
    campaign = campaigns.create_campaign(
        session,
        None,
        survey_key,
        year,
        title=title,
        opens_on=date(year, 1, 15),
        closes_on=date(year, 12, 31),
    )
    opened = datetime.combine(date(year, 1, 15), time(9), UTC)
    return campaigns.open_campaign(session, None, campaign.id, now=opened)


def _fill(
    session: Session, campaign: Campaign, entries: list[RosterEntry], rng: random.Random, app: Flask
) -> None:
    now = utcnow()
    definition = campaigns.campaign_definition(campaign)
    flag = app.config["PORTAL_GLOBAL_SOUTH_FLAG"]
    rate = 0.78 if campaign.survey_key == "partner" else 0.7
    sent_at = datetime.combine(campaign.opens_on or date(campaign.year, 1, 15), time(10), UTC)
    for invitation, entry in zip(
        create_invitations(session, campaign, entries), entries, strict=True
    ):
        invitation.sent_at = sent_at
        issue_link(session, invitation, "invitation", sent_at, 400)
        if _reserved_for_demo_partner(session, campaign, invitation, now):
            continue
        draw = rng.random()
        if draw < rate:
            answers = demo_answers(definition, rng, entry)
            submit_response(
                session, invitation, definition, answers, _moment(rng, campaign.year, now), flag
            )
        elif draw < rate + 0.08:
            answers = demo_answers(definition, rng, entry)
            first_page = {k: v for k, v in answers.items() if k in _page_keys(definition, 0)}
            invitation.partial_answers, invitation.current_page = first_page, 1
            invitation.started_at = sent_at + timedelta(days=3)
        elif draw < rate + 0.2:
            invitation.reminded_at = sent_at + timedelta(days=14)
            invitation.reminder_count = 1
    session.flush()


def _page_keys(definition: SurveyDefinition, page_index: int) -> set[str]:
    return {question.key for question in definition.pages[page_index].questions}


def _reserved_for_demo_partner(
    session: Session, campaign: Campaign, invitation: Invitation, now: datetime
) -> bool:
    # The demo partner account (UNDP Kenya) answers this year's partner survey itself.
    office = session.get(Office, invitation.office_id) if invitation.office_id else None
    return (
        campaign.year == now.year
        and office is not None
        and office.organisation.code == "UNDP"
        and office.duty_station == "KEN"
    )


def load_demo(session: Session, app: Flask) -> None:
    """Partner and volunteer campaigns of last year (closed) and this year (open); idempotent."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo figures, not security
    now = utcnow()
    _add_offices(session)
    session.flush()
    hosts = {code: accounts.organisation_by_code(session, code).id for code in HOSTS}
    for year in (now.year - 1, now.year):
        for survey_key in ("partner", "volunteer_exit"):
            campaign = _campaign(session, survey_key, year, now)
            if campaign is None:
                continue
            if survey_key == "partner":
                entries = _partner_entries(session)
            else:
                entries = [_volunteer(rng, n, year, hosts) for n in range(1, 321)]
            _fill(session, campaign, entries, rng, app)
            if year < now.year:
                closed = datetime(year + 1, 1, 10, 9, tzinfo=UTC)
                campaigns.close_campaign(session, None, campaign.id, now=closed)
