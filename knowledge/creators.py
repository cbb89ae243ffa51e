"""The creators of a product (persons and organisations, in order) and the one text form in which
the submit form, the catalogue import and the export write them: one creator a line (or ``;``),
``Family, Given [ORCID]`` for a person, ``org: Name [ROR]`` for an organisation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from knowledge import identifiers
from portal.errors import FieldError
from portal.markers import N_

MAX_CREATORS = 50
MAX_NAME = 200
ORGANISATION_MARK = "org:"
Kind = Literal["person", "organisation"]

_ENTRY = re.compile(r"^(?P<name>.*?)\s*(?:\[(?P<identifier>[^\]]*)\])?$")


@dataclass(frozen=True)
class Creator:
    """A person (family and given names, ORCID iD) or an organisation (name, ROR id)."""

    kind: Kind
    name: str  # a person's family name, or the organisation's name
    given: str = ""
    identifier: str | None = None  # ORCID iD of a person, ROR id of an organisation

    @property
    def display_name(self) -> str:
        return f"{self.given} {self.name}" if self.given else self.name

    @property
    def sort_name(self) -> str:
        return f"{self.name}, {self.given}" if self.given else self.name

    @property
    def identifier_url(self) -> str | None:
        if self.identifier is None:
            return None
        base = identifiers.ORCID_URL if self.kind == "person" else identifiers.ROR_URL
        return base + self.identifier

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.kind, "name": self.name}
        if self.kind == "person":
            data |= {"given_name": self.given, "orcid": self.identifier}
        else:
            data["ror"] = self.identifier
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Creator:
        if data.get("type") == "organisation":
            return cls("organisation", data["name"], "", data.get("ror"))
        return cls("person", data["name"], data.get("given_name") or "", data.get("orcid"))

    def as_text(self) -> str:
        text = f"{ORGANISATION_MARK} {self.name}" if self.kind == "organisation" else self.sort_name
        return f"{text} [{self.identifier}]" if self.identifier else text


def credited(creators: tuple[Creator, ...], organisation: str) -> tuple[Creator, ...]:
    """Who a product credits: its creators, or, when none are given, its organisation."""
    return creators or (Creator("organisation", organisation),)


def creators_text(creators: Iterable[Creator], separator: str = "\n") -> str:
    """The text form of the creators, which `parse_creators` reads back to the same list."""
    return separator.join(creator.as_text() for creator in creators)


def parse_creators(text: str, *, field: str = "creators") -> tuple[Creator, ...]:
    """Read creators from their text form; raises FieldError naming the entry that is wrong."""
    entries = [entry.strip() for entry in re.split(r"[\n;]", text or "")]
    found = [_entry(entry, number, field) for number, entry in enumerate(entries, 1) if entry]
    if len(found) > MAX_CREATORS:
        raise FieldError(field, N_("Give at most %(max)s creators."), max=MAX_CREATORS)
    return tuple(found)


def checked(creators: Iterable[Creator], *, field: str = "creators") -> tuple[Creator, ...]:
    """Creators given as data (an API, a stored revision) checked as `parse_creators` checks."""
    return parse_creators(creators_text(creators), field=field)


def _entry(entry: str, number: int, field: str) -> Creator:
    match = _ENTRY.match(entry)
    name, raw_id = (match["name"], match["identifier"] or "") if match else (entry, "")
    name, raw_id = name.strip(), raw_id.strip()
    organisation = name.lower().startswith(ORGANISATION_MARK)
    if organisation:
        name = name[len(ORGANISATION_MARK) :].strip()
    if raw_id and not organisation and identifiers.orcid(raw_id) is None:
        # An identifier that is a ROR id names an organisation even without "org:".
        organisation = identifiers.ror(raw_id) is not None
    name = " ".join(name.split())
    if not name:
        raise FieldError(field, N_("Creator %(number)s has no name."), number=number)
    if len(name) > MAX_NAME:
        raise FieldError(
            field, N_("Creator %(number)s: the name is too long."), number=number, max=MAX_NAME
        )
    if organisation:
        return Creator("organisation", name, "", _identifier(raw_id, "ror", number, field))
    family, _, given = name.partition(",")
    return Creator(
        "person",
        family.strip(),
        " ".join(given.split()),
        _identifier(raw_id, "orcid", number, field),
    )


def _identifier(raw: str, kind: str, number: int, field: str) -> str | None:
    if not raw:
        return None
    if kind == "orcid":
        value = identifiers.orcid(raw)
        message = N_("Creator %(number)s: %(value)s is not a valid ORCID iD (check the digits).")
    else:
        value = identifiers.ror(raw)
        message = N_("Creator %(number)s: %(value)s is not a valid ROR id (check the digits).")
    if value is None:
        raise FieldError(field, message, number=number, value=raw)
    return value
