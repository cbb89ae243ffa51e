"""Rosters of invitees (CSV or XLSX): every cell checked, all rows accepted or none."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth.accounts import normalise_email
from portal.countries import is_country
from portal.errors import InputError
from portal.i18n import LANGUAGES
from portal.markers import N_
from portal.models import Organisation
from portal.tables import Problem, Refused, Row, Table, read_table
from surveys.models import CATEGORIES, GENDERS, MODALITIES, OFFICE_TYPES, Invitation

COMMON_COLUMNS = ("email", "name", "language")
VOLUNTEER_COLUMNS = (
    *COMMON_COLUMNS,
    "gender",
    "category",
    "modality",
    "age",
    "disability",
    "nationality",
    "refugee",
    "duty_station",
    "host_entity",
    "assignment_start",
    "assignment_end",
)
PARTNER_COLUMNS = (*COMMON_COLUMNS, "organisation", "office_type", "duty_station")
# By audience (`SurveyDefinition.asks`): a survey of anyone needs only the contact and language.
ROSTER_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "partner": PARTNER_COLUMNS,
    "volunteer": VOLUNTEER_COLUMNS,
    "general": COMMON_COLUMNS,
}
ORGANISATION_COLUMNS = {"partner": "organisation", "volunteer": "host_entity"}
REQUIRED_COLUMNS = ("email",)
MIN_AGE, MAX_AGE = 15, 100


@dataclass
class RosterEntry:
    """One checked roster row: contact, language and the attributes the survey needs."""

    line: int
    email: str
    name: str | None = None
    locale: str | None = None
    gender: str | None = None
    category: str | None = None
    modality: str | None = None
    age: int | None = None
    disability: bool | None = None
    nationality: str | None = None
    refugee: bool | None = None
    duty_station: str | None = None
    organisation_id: int | None = None
    office_type: str | None = None
    assignment_start: date | None = None
    assignment_end: date | None = None


class RowCheck:
    """Checks the cells of one row, collecting a problem per bad cell."""

    def __init__(self, line: int, cells: Mapping[str, str], problems: list[Problem]) -> None:
        self.line, self.cells, self.problems = line, cells, problems

    def bad(self, column: str, message: str, **params: Any) -> None:
        self.problems.append(Problem(message, params, self.line, column))

    def text(self, column: str, max_length: int = 200) -> str | None:
        value = self.cells.get(column, "")
        if len(value) > max_length:
            self.bad(column, N_("At most %(max)s characters."), max=max_length)
            return None
        return value or None

    def required(self, column: str) -> str | None:
        value = self.cells.get(column, "")
        if not value:
            self.bad(column, N_("This cell must not be empty."))
        return value or None

    def choice(self, column: str, allowed: Sequence[str]) -> str | None:
        value = self.cells.get(column, "").lower()
        if value and value not in allowed:
            self.bad(
                column,
                N_("%(value)s is not one of %(allowed)s."),
                value=value[:40],
                allowed=", ".join(allowed),
            )
            return None
        return value or None

    def yes_no(self, column: str) -> bool | None:
        value = self.choice(column, ("yes", "no"))
        return None if value is None else value == "yes"

    def country(self, column: str) -> str | None:
        value = self.cells.get(column, "").upper()
        if value and not is_country(value):
            self.bad(
                column, N_("%(value)s is not an ISO 3166 alpha-3 country code."), value=value[:40]
            )
            return None
        return value or None

    def age(self, column: str) -> int | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not number.is_integer() or not MIN_AGE <= number <= MAX_AGE:
            self.bad(
                column,
                N_("Enter a whole number of years between %(min)s and %(max)s."),
                min=MIN_AGE,
                max=MAX_AGE,
            )
            return None
        return int(number)

    def day(self, column: str) -> date | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        try:
            if len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.bad(
                column, N_("%(value)s is not a date in the form YYYY-MM-DD."), value=value[:40]
            )
            return None

    def email(self) -> str | None:
        value = self.required("email")
        if value is None:
            return None
        try:
            return normalise_email(value)
        except InputError:
            self.bad("email", N_("%(value)s is not a valid e-mail address."), value=value[:80])
            return None


def _organisation_ids(session: Session) -> dict[str, int]:
    return {
        code.upper(): id_
        for id_, code in session.execute(select(Organisation.id, Organisation.code))
    }


def _entry(row: RowCheck, audience: str, organisations: Mapping[str, int]) -> RosterEntry | None:
    before = len(row.problems)
    entry = RosterEntry(line=row.line, email=row.email() or "", name=row.text("name"))
    entry.locale = row.choice("language", tuple(LANGUAGES))
    entry.duty_station = row.country("duty_station")
    org_column = ORGANISATION_COLUMNS.get(audience, "")
    code = row.cells.get(org_column, "") if org_column else ""
    if code:
        entry.organisation_id = organisations.get(code.upper())
        if entry.organisation_id is None:
            row.bad(org_column, N_("%(value)s is not a known organisation code."), value=code[:40])
    if audience == "partner":
        row.required("organisation")
        entry.office_type = row.choice("office_type", OFFICE_TYPES)
        if row.required("office_type") and entry.office_type in ("regional", "country"):
            row.required("duty_station")
    elif audience == "volunteer":
        entry.gender = row.choice("gender", GENDERS)
        entry.category = row.choice("category", CATEGORIES)
        entry.modality = row.choice("modality", MODALITIES)
        entry.age = row.age("age")
        entry.disability = row.yes_no("disability")
        entry.nationality = row.country("nationality")
        entry.refugee = row.yes_no("refugee")
        entry.assignment_start = row.day("assignment_start")
        entry.assignment_end = row.day("assignment_end")
        start, end = entry.assignment_start, entry.assignment_end
        if start and end and end < start:
            row.bad("assignment_end", N_("The assignment cannot end before it starts."))
    return entry if len(row.problems) == before else None


class RowChecker:
    """Checks rows batch by batch, remembering what the file has used so far: e-mails must be
    unique in the file and new to the campaign (or, with an `already_invited` list, the rows of
    people already invited go there instead). Each bad cell adds to `problems`."""

    def __init__(
        self,
        session: Session,
        campaign_id: int,
        audience: str,
        extra: Callable[[RowCheck], Any] | None = None,
        *,
        already_invited: list[RosterEntry] | None = None,
    ) -> None:
        self.audience, self.read_extra = audience, extra
        self.already_invited = already_invited
        self.organisations = _organisation_ids(session)
        self.invited = set(
            session.scalars(
                select(Invitation.contact_email).where(
                    Invitation.campaign_id == campaign_id, Invitation.contact_email.is_not(None)
                )
            )
        )
        self.problems: list[Problem] = []
        self.first_line: dict[str, int] = {}

    def check(self, rows: Iterable[Row]) -> list[tuple[RosterEntry, Any]]:
        """The good rows of `rows` as RosterEntry (and what `extra` reads from each)."""
        checked: list[tuple[RosterEntry, Any]] = []
        for table_row in rows:
            line = table_row.line
            before = len(self.problems)
            row = RowCheck(line, table_row.cells, self.problems)
            entry = _entry(row, self.audience, self.organisations)
            more = self.read_extra(row) if self.read_extra is not None else None
            if entry is None or not entry.email:
                continue
            if entry.email in self.first_line:
                row.bad(
                    "email",
                    N_("%(email)s is already on line %(other)s."),
                    email=entry.email,
                    other=self.first_line[entry.email],
                )
            elif entry.email in self.invited and self.already_invited is not None:
                self.already_invited.append(entry)
                self.first_line.setdefault(entry.email, line)
                continue
            elif entry.email in self.invited:
                row.bad(
                    "email", N_("%(email)s is already invited to this campaign."), email=entry.email
                )
            self.first_line.setdefault(entry.email, line)
            if len(self.problems) == before:
                checked.append((entry, more))
        return checked


def check_rows(
    session: Session,
    campaign_id: int,
    audience: str,
    table: Table,
    extra: Callable[[RowCheck], Any] | None = None,
    *,
    source: str | None = None,
    already_invited: list[RosterEntry] | None = None,
) -> list[tuple[RosterEntry, Any]]:
    """Every row as a RosterEntry (and what `extra` reads from it), or Refused naming each
    bad cell; e-mails must be unique in the file and new to the campaign.

    With an `already_invited` list, a row whose e-mail the campaign already has is no error: it
    goes to that list (to be reported) instead of the result.
    """
    checker = RowChecker(session, campaign_id, audience, extra, already_invited=already_invited)
    checked = checker.check(table.rows)
    if checker.problems:
        raise Refused(checker.problems, source)
    return checked


def read_roster(
    session: Session,
    campaign_id: int,
    audience: str,
    data: bytes,
    *,
    source: str | None = None,
    already_invited: list[RosterEntry] | None = None,
) -> list[RosterEntry]:
    """A roster file checked in full: one entry per row, or Refused (naming `source`, the file);
    rows of people already invited go to `already_invited` when it is given (see `check_rows`)."""
    columns = ROSTER_COLUMNS[audience]
    table = read_table(data, REQUIRED_COLUMNS, _optional(columns), source=source)
    checked = check_rows(
        session, campaign_id, audience, table, source=source, already_invited=already_invited
    )
    return [entry for entry, _ in checked]


def _optional(columns: Sequence[str]) -> list[str]:
    return [column for column in columns if column not in REQUIRED_COLUMNS]
