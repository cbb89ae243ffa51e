"""The Whoosh schema of knowledge products and the mapping from product dicts to index fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from whoosh import columns, fields

from knowledge.search.engine.analysis import (
    CHINESE,
    GENERIC,
    LANGUAGE_GROUPS,
    analyzer_for,
    generic_analyzer,
    language_group,
)

#: Searchable parts of a product and the weight of a match in each (title counts most).
TEXT_PARTS: dict[str, float] = {"title": 3.0, "abstract": 2.0, "body": 1.0}
ORGANISATION_BOOST = 1.5
#: Facets offered to users, in display order; each is also a filter name.
FACETS: tuple[str, ...] = ("type", "language", "sdg", "country", "org_kind", "year")
MULTI_VALUED_FACETS = frozenset({"sdg", "country"})

ABSTRACT_HEAD_CHARS = 2_000
BODY_HEAD_CHARS = 12_000
_FACET_SEPARATOR = "\x1f"
_VALUE_SEPARATOR = ","


class ProductDocument(TypedDict):
    """What the caller hands over for each published product."""

    id: int
    title: str
    abstract: str
    file_text: str | None
    language: str
    organisation: str
    org_kind: str
    product_type: str
    countries: list[str]
    sdgs: list[int]
    publication_date: dt.date


def text_field(part: str, group: str) -> str:
    return f"{part}_{group}"


def build_schema() -> fields.Schema:
    schema_fields: dict[str, fields.FieldType] = {
        "id": fields.ID(stored=True, unique=True),
        "id_num": fields.NUMERIC(int, bits=64, sortable=True),
        "date": fields.NUMERIC(int, bits=32, sortable=True),
        "organisation": fields.TEXT(analyzer=generic_analyzer(), phrase=False),
        # Unstemmed vocabulary for "did you mean".
        "spell": fields.TEXT(analyzer=generic_analyzer(), phrase=False),
        "facets": fields.COLUMN(columns.VarBytesColumn()),
        "title": fields.STORED(),
        "abstract_head": fields.STORED(),
        "body_head": fields.STORED(),
        "language_code": fields.STORED(),
        "product_type": fields.STORED(),
        "publication_date": fields.STORED(),
    }
    for group in LANGUAGE_GROUPS:
        for part in TEXT_PARTS:
            schema_fields[text_field(part, group)] = fields.TEXT(analyzer=analyzer_for(group))
    for facet in FACETS:
        if facet in MULTI_VALUED_FACETS:
            schema_fields[facet] = fields.KEYWORD(lowercase=False, commas=False, scorable=False)
        else:
            schema_fields[facet] = fields.ID()
    return fields.Schema(**schema_fields)


@dataclass(frozen=True)
class FacetValues:
    """One document's facet codes, as stored in the ``facets`` column."""

    type: str
    language: str
    org_kind: str
    year: str
    sdg: tuple[str, ...]
    country: tuple[str, ...]

    def encode(self) -> bytes:
        parts = (
            self.type,
            self.language,
            self.org_kind,
            self.year,
            _VALUE_SEPARATOR.join(self.sdg),
            _VALUE_SEPARATOR.join(self.country),
        )
        return _FACET_SEPARATOR.join(parts).encode("utf-8")

    @classmethod
    def decode(cls, raw: bytes) -> FacetValues | None:
        parts = raw.decode("utf-8").split(_FACET_SEPARATOR)
        if len(parts) != 6:
            return None
        kind, language, org_kind, year, sdg, country = parts
        return cls(
            type=kind,
            language=language,
            org_kind=org_kind,
            year=year,
            sdg=tuple(v for v in sdg.split(_VALUE_SEPARATOR) if v),
            country=tuple(v for v in country.split(_VALUE_SEPARATOR) if v),
        )

    def of(self, facet: str) -> tuple[str, ...]:
        value: str | tuple[str, ...] = getattr(self, facet)
        return value if isinstance(value, tuple) else (value,) if value else ()


def normalise_facet_value(facet: str, value: object) -> str:
    """The indexed form of a filter or document value (country codes upper-case, codes lower)."""
    text = str(value).strip()
    if facet == "country":
        return text.upper()
    if facet in ("sdg", "year"):
        return text.lstrip("0") or text
    return text.lower()


def document_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Whoosh field values for one product dict (see :class:`ProductDocument`)."""
    product_id = int(doc["id"])
    title = str(doc.get("title") or "")
    abstract = str(doc.get("abstract") or "")
    body = str(doc.get("file_text") or "")
    language = str(doc.get("language") or "").strip().lower()
    group = language_group(language)
    published: dt.date = doc["publication_date"]
    if isinstance(published, dt.datetime):
        published = published.date()
    facets = FacetValues(
        type=normalise_facet_value("type", doc.get("product_type") or ""),
        language=language,
        org_kind=normalise_facet_value("org_kind", doc.get("org_kind") or ""),
        year=str(published.year),
        sdg=tuple(
            sorted(
                {normalise_facet_value("sdg", s) for s in doc.get("sdgs") or ()},
                key=lambda code: (len(code), code),
            )
        ),
        country=tuple(
            sorted({normalise_facet_value("country", c) for c in doc.get("countries") or ()})
        ),
    )
    values: dict[str, Any] = {
        "id": str(product_id),
        "id_num": product_id,
        "date": published.year * 10_000 + published.month * 100 + published.day,
        "organisation": str(doc.get("organisation") or ""),
        # Chinese has no edit-distance spelling to correct, so it stays out of the vocabulary.
        "spell": "" if group == CHINESE else f"{title}\n{abstract}",
        "facets": facets.encode(),
        "title": title,
        "abstract_head": abstract[:ABSTRACT_HEAD_CHARS],
        "body_head": body[:BODY_HEAD_CHARS],
        "language_code": language,
        "product_type": facets.type,
        "publication_date": published.isoformat(),
        text_field("title", group): title,
        text_field("abstract", group): abstract,
        "type": facets.type,
        "language": facets.language,
        "org_kind": facets.org_kind,
        "year": facets.year,
        "sdg": " ".join(facets.sdg),
        "country": " ".join(facets.country),
    }
    if body:
        values[text_field("body", group)] = body
    return {name: value for name, value in values.items() if value != "" or name == "title"}


__all__ = [
    "FACETS",
    "GENERIC",
    "TEXT_PARTS",
    "FacetValues",
    "ProductDocument",
    "build_schema",
    "document_fields",
    "normalise_facet_value",
    "text_field",
]
