"""The Whoosh schema of knowledge products and the mapping from product dicts to index fields."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypedDict

from whoosh import columns, fields

from knowledge.search.engine.analysis import (
    CHINESE,
    GENERIC,
    LANGUAGE_GROUPS,
    analyzer_for,
    fold,
    generic_analyzer,
    group_of,
    language_group,
    position_terms,
)

#: Bumped whenever the fields or their analysis change: an index written under another version
#: is treated as missing, so the worker rebuilds it (searches answer "unavailable" meanwhile).
SCHEMA_VERSION = 4
#: Searchable parts of a product and the weight of each occurrence in it (title counts most).
TEXT_PARTS: dict[str, float] = {"title": 3.0, "abstract": 2.0, "body": 1.0}
#: Positions left empty between two parts, so that a phrase never spans a title and an abstract.
PART_GAP = 50
ORGANISATION_BOOST = 1.5
#: Facets offered to users, in display order; each is also a filter name.
FACETS: tuple[str, ...] = ("type", "language", "sdg", "country", "org_kind", "year")
MULTI_VALUED_FACETS = frozenset({"sdg", "country"})

#: Bytes of a title's sort key kept in the index (past them, equal keys fall back to the id).
TITLE_KEY_BYTES = 256
#: Turns a title into bytes whose byte order is the wanted order of titles.
TitleKey = Callable[[str], bytes]
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
    organisation: str  # who made it: the organisation's name, and its creators' (one a line)
    org_kind: str
    product_type: str
    countries: list[str]
    sdgs: list[int]
    publication_date: dt.date


def folded_title_key(title: str) -> bytes:
    """A title's sort key without a collation: case- and accent-insensitive code-point order."""
    return " ".join(fold(title).split()).encode("utf-8")


def text_field(group: str) -> str:
    """The one field holding a language group's title, abstract and file text."""
    return f"text_{group}"


class WeightedText(fields.TEXT):  # Whoosh is untyped: its classes are Any
    """A language's title, abstract and file text in one field, so that a query word reads one
    posting list instead of three, while each part keeps its own weight in the ranking.

    The value is a tuple of ``(part, text)``. Positions continue from part to part with a gap
    (phrases stay within a part). Each posting's weight packs the word's frequency in each part
    (:func:`pack_frequencies`) and the field's column packs each part's length
    (:func:`pack_lengths`): scoring then computes the per-part BM25 the three separate fields
    gave, from one posting list. The terms at each position are those of the group's analyser,
    read by :func:`~knowledge.search.engine.analysis.position_terms` without a token stream.
    """

    def __init__(self, analyzer: Any) -> None:
        super().__init__(analyzer=analyzer)
        self.column_type = columns.NumericColumn("Q", default=0)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        group = self._group()
        positions: defaultdict[str, list[int]] = defaultdict(list)
        counts: list[Counter[str]] = [Counter(), Counter(), Counter()]
        lengths = [0, 0, 0]
        start = 0
        for part, text in value:
            slot = PART_SLOTS[part]
            words = position_terms(text, group)
            for pos, terms in enumerate(words, start):
                for term in terms:
                    positions[term].append(pos)
            tokens = list(chain.from_iterable(words))
            counts[slot].update(tokens)
            lengths[slot] += len(tokens)
            start += len(words) + PART_GAP
        _analysed.lengths = (value, pack_lengths(*lengths))
        title, abstract, body = counts
        encode = self.format.encode
        for word, where in positions.items():
            weight = _weight(title.get(word, 0), abstract.get(word, 0), body.get(word, 0))
            yield word.encode("utf-8"), len(where), weight, encode(where)

    def _group(self) -> str:
        """The language group whose analyser this field has (found once, never pickled)."""
        group: str | None = self.__dict__.get("_analysed_group")
        if group is None:
            group = self.__dict__["_analysed_group"] = group_of(self.analyzer)
        return group

    def __getstate__(self) -> dict[str, Any]:
        # The schema is pickled into the index: its bytes stay those of the field's settings.
        return {k: v for k, v in self.__dict__.items() if k != "_analysed_group"}

    def to_column_value(self, value: Any) -> int:
        # Whoosh asks for the column value right after indexing the same value.
        analysed = getattr(_analysed, "lengths", None)
        if analysed is None or analysed[0] is not value:
            for _ in self.index(value):
                pass
            analysed = _analysed.lengths
        return int(analysed[1])


_analysed = threading.local()
#: Order of the parts in packed frequencies and lengths.
PART_SLOTS = {"title": 0, "abstract": 1, "body": 2}
#: Bits of each part's frequency in a posting weight (title, abstract, body): the weight is a
#: 32-bit float, exact up to 2**24; larger frequencies are capped, far past BM25's saturation.
FREQUENCY_BITS = (9, 6, 9)
LENGTH_BITS = 21


def pack_frequencies(title: int, abstract: int, body: int) -> int:
    packed = 0
    for value, bits in zip((title, abstract, body), FREQUENCY_BITS, strict=True):
        packed = (packed << bits) | min(value, (1 << bits) - 1)
    return packed


@functools.lru_cache(maxsize=65_536)
def _weight(title: int, abstract: int, body: int) -> float:
    """A posting's weight: its packed frequencies (few combinations recur: cached)."""
    return float(pack_frequencies(title, abstract, body))


def pack_lengths(title: int, abstract: int, body: int) -> int:
    packed = 0
    for value in (title, abstract, body):
        packed = (packed << LENGTH_BITS) | min(value, (1 << LENGTH_BITS) - 1)
    return packed


class SortableNumber(fields.NUMERIC):  # Whoosh is untyped: its classes are Any
    """A whole number kept only in its sortable column, without terms: product ids and dates
    are read from their columns (for sorting), never searched."""

    indexed = False


def build_schema() -> fields.Schema:
    schema_fields: dict[str, fields.FieldType] = {
        "id": fields.ID(stored=True, unique=True),
        "id_num": SortableNumber(int, bits=64, sortable=True),
        "date": SortableNumber(int, bits=32, sortable=True),
        "organisation": fields.TEXT(analyzer=generic_analyzer(), phrase=False),
        # Unstemmed vocabulary for "did you mean".
        "spell": fields.TEXT(analyzer=generic_analyzer(), phrase=False),
        "facets": fields.COLUMN(columns.VarBytesColumn()),
        # Titles are sorted by this key (see document_fields), not by the stored title.
        "title_key": fields.COLUMN(columns.VarBytesColumn()),
        "title": fields.STORED(),
        "abstract_head": fields.STORED(),
        "body_head": fields.STORED(),
        "language_code": fields.STORED(),
        "product_type": fields.STORED(),
        "publication_date": fields.STORED(),
    }
    # Facets are filtered and counted from the ``facets`` column (see docvalues), not postings.
    for group in LANGUAGE_GROUPS:
        schema_fields[text_field(group)] = WeightedText(analyzer=analyzer_for(group))
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


def document_fields(
    doc: Mapping[str, Any], title_key: TitleKey = folded_title_key
) -> dict[str, Any]:
    """Whoosh field values for one product dict (see :class:`ProductDocument`); ``title_key``
    makes the title's sort key."""
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
        "title_key": title_key(title)[:TITLE_KEY_BYTES],
        "abstract_head": abstract[:ABSTRACT_HEAD_CHARS],
        "body_head": body[:BODY_HEAD_CHARS],
        "language_code": language,
        "product_type": facets.type,
        "publication_date": published.isoformat(),
        text_field(group): tuple(
            (part, text)
            for part, text in (("title", title), ("abstract", abstract), ("body", body))
            if text
        ),
    }
    return {
        name: value for name, value in values.items() if value not in ("", ()) or name == "title"
    }


__all__ = [
    "FACETS",
    "GENERIC",
    "SCHEMA_VERSION",
    "TEXT_PARTS",
    "FacetValues",
    "TitleKey",
    "ProductDocument",
    "WeightedText",
    "pack_frequencies",
    "pack_lengths",
    "build_schema",
    "document_fields",
    "folded_title_key",
    "normalise_facet_value",
    "text_field",
]
