"""What a knowledge product says about itself (ProductInput) and the rules its fields follow."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from babel import Locale

from knowledge import creators as creator_text
from knowledge import identifiers
from knowledge.creators import Creator
from knowledge.models import (
    FLAGGED_TYPES,
    PRODUCT_TYPES,
    KnowledgeProduct,
    ProductCountry,
    ProductCreator,
    ProductSdg,
)
from knowledge.sdgs import is_sdg
from portal.countries import is_country
from portal.db import utcnow
from portal.errors import FieldError
from portal.markers import N_

MAX_TITLE = 300
MAX_ABSTRACT = 10_000
MAX_THEMES = 10
MAX_THEME = 80
EARLIEST_DATE = date(1900, 1, 1)


@cache
def product_languages() -> frozenset[str]:
    """ISO 639-1 codes (two lower-case letters) that have a name in the CLDR data."""
    return frozenset(
        code
        for code in Locale("en").languages
        if isinstance(code, str) and len(code) == 2 and code.isalpha() and code.islower()
    )


def language_name(code: str, locale: str) -> str:
    """The language's name in the reader's language, e.g. "portugués" for pt in Spanish."""
    try:
        names = Locale.parse(locale[:2]).languages
    except (ValueError, TypeError):
        names = Locale("en").languages
    return names.get(code) or Locale("en").languages.get(code) or code


@dataclass(frozen=True)
class ProductInput:
    """The metadata a contributor gives; validated by `validate_input`."""

    title: str
    abstract: str
    product_type: str
    language: str
    publication_date: date
    countries: tuple[str, ...] = ()
    sdgs: tuple[int, ...] = ()
    themes: tuple[str, ...] = ()
    url: str | None = None
    licence: str | None = None
    volunteering_integrated: bool | None = None
    creators: tuple[Creator, ...] = ()
    doi: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "abstract": self.abstract,
            "product_type": self.product_type,
            "language": self.language,
            "publication_date": self.publication_date.isoformat(),
            "countries": list(self.countries),
            "sdgs": list(self.sdgs),
            "themes": list(self.themes),
            "url": self.url,
            "licence": self.licence,
            "volunteering_integrated": self.volunteering_integrated,
            "creators": [creator.to_json() for creator in self.creators],
            "doi": self.doi,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProductInput:
        return cls(
            **{
                **data,
                "publication_date": date.fromisoformat(data["publication_date"]),
                "countries": tuple(data["countries"]),
                "sdgs": tuple(data["sdgs"]),
                "themes": tuple(data["themes"]),
                # Revisions proposed before creators existed carry none.
                "creators": tuple(Creator.from_json(item) for item in data.get("creators", ())),
                "doi": data.get("doi"),
            }
        )

    @classmethod
    def of(cls, product: KnowledgeProduct) -> ProductInput:
        return cls(
            title=product.title,
            abstract=product.abstract,
            product_type=product.product_type,
            language=product.language,
            publication_date=product.publication_date,
            countries=tuple(product.countries),
            sdgs=tuple(product.sdgs),
            themes=tuple(product.themes or ()),
            url=product.url,
            licence=product.licence,
            volunteering_integrated=product.volunteering_integrated,
            creators=product.creators,
            doi=product.doi,
        )


def split_themes(text: str) -> tuple[str, ...]:
    """Themes typed as "youth, climate; gender" become ("youth", "climate", "gender")."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,;\n]", text or ""):
        theme = " ".join(part.split())
        if theme and theme.casefold() not in seen:
            seen[theme.casefold()] = theme
    return tuple(seen.values())


def validate_input(data: ProductInput, *, today: date | None = None) -> ProductInput:
    """Check every field and return the normalised input, or raise FieldError."""
    today = today or datetime.now(UTC).date()
    title = " ".join(data.title.split())
    if not title:
        raise FieldError("title", N_("A title is required."))
    if len(title) > MAX_TITLE:
        raise FieldError("title", N_("The title is longer than %(max)s characters."), max=MAX_TITLE)
    abstract = data.abstract.strip()
    if len(abstract) > MAX_ABSTRACT:
        raise FieldError(
            "abstract", N_("The abstract is longer than %(max)s characters."), max=MAX_ABSTRACT
        )
    if data.product_type not in PRODUCT_TYPES:
        raise FieldError(
            "product_type", N_("Unknown product type %(value)s."), value=data.product_type
        )
    language = data.language.strip().lower()
    if language not in product_languages():
        raise FieldError(
            "language", N_("Unknown language code %(value)s (ISO 639-1)."), value=data.language
        )
    if not EARLIEST_DATE <= data.publication_date <= today:
        raise FieldError(
            "publication_date", N_("The publication date must be between 1900 and today.")
        )
    countries = tuple(dict.fromkeys(code.strip().upper() for code in data.countries))
    for code in countries:
        if not is_country(code):
            raise FieldError(
                "countries", N_("Unknown country code %(value)s (ISO 3166 alpha-3)."), value=code
            )
    if data.product_type in FLAGGED_TYPES and not countries:
        raise FieldError(
            "countries", N_("Voluntary national reviews and UNSDCF documents need their country.")
        )
    sdgs = tuple(sorted(set(data.sdgs)))
    for number in sdgs:
        if not is_sdg(number):
            raise FieldError("sdgs", N_("%(value)s is not an SDG (1 to 17)."), value=number)
    return replace(
        data,
        title=title,
        abstract=abstract,
        language=language,
        countries=countries,
        sdgs=sdgs,
        themes=_valid_themes(data.themes),
        url=_valid_url(data.url),
        licence=_valid_licence(data.licence),
        volunteering_integrated=_valid_flag(data.product_type, data.volunteering_integrated),
        creators=creator_text.checked(data.creators),
        doi=_valid_doi(data.doi),
    )


def _valid_themes(themes: tuple[str, ...]) -> tuple[str, ...]:
    themes = split_themes(";".join(themes))
    if len(themes) > MAX_THEMES:
        raise FieldError("themes", N_("Give at most %(max)s themes."), max=MAX_THEMES)
    if any(len(theme) > MAX_THEME for theme in themes):
        raise FieldError("themes", N_("A theme is longer than %(max)s characters."), max=MAX_THEME)
    return themes


def _valid_url(url: str | None) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    # Only web links: javascript:, data: or file: links would run or leak in readers' browsers.
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise FieldError("url", N_("The link must be a web address starting with https://."))
    return url


def _valid_licence(licence: str | None) -> str | None:
    if not licence:
        return None
    spdx = identifiers.licence(licence)
    if spdx is None:
        raise FieldError("licence", N_("Unknown licence %(value)s."), value=licence)
    return spdx


def _valid_doi(doi: str | None) -> str | None:
    if not (doi or "").strip():
        return None
    value = identifiers.doi(doi or "")
    if value is None:
        raise FieldError(
            "doi", N_("%(value)s is not a DOI (it starts with 10. and has a slash)."), value=doi
        )
    return value


def _valid_flag(product_type: str, flag: bool | None) -> bool | None:
    if flag is not None and product_type not in FLAGGED_TYPES:
        raise FieldError(
            "volunteering_integrated",
            N_("Whether volunteering is integrated is asked only of VNR and UNSDCF products."),
        )
    return flag


def apply_input(product: KnowledgeProduct, data: ProductInput) -> None:
    """Copy validated metadata onto the product, keeping unchanged country and SDG links."""
    product.title, product.abstract = data.title, data.abstract
    product.product_type, product.language = data.product_type, data.language
    product.publication_date, product.themes = data.publication_date, list(data.themes)
    product.url, product.licence = data.url, data.licence
    product.volunteering_integrated, product.doi = data.volunteering_integrated, data.doi
    _apply_creators(product, data.creators)
    # Links are diffed rather than replaced: deleting and re-inserting the same primary key in
    # one flush may insert first and break the key.
    wanted_countries = set(data.countries)
    for link in [link for link in product.country_links if link.country not in wanted_countries]:
        product.country_links.remove(link)
    for code in sorted(wanted_countries - set(product.countries)):
        product.country_links.append(ProductCountry(country=code))
    wanted_sdgs = set(data.sdgs)
    for sdg_link in [link for link in product.sdg_links if link.sdg not in wanted_sdgs]:
        product.sdg_links.remove(sdg_link)
    for number in sorted(wanted_sdgs - set(product.sdgs)):
        product.sdg_links.append(ProductSdg(sdg=number))
    product.updated_at = utcnow()


def _apply_creators(product: KnowledgeProduct, creators: tuple[Creator, ...]) -> None:
    """Rows are updated in place by position (replacing them would break the key in one flush)."""
    rows = product.creator_rows
    del rows[len(creators) :]
    for position, creator in enumerate(creators):
        if position == len(rows):
            rows.append(ProductCreator(position=position))
        row = rows[position]
        row.kind, row.name, row.given_name = creator.kind, creator.name, creator.given
        row.identifier = creator.identifier
