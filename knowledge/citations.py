"""How to cite a product: its CSL-JSON record (the Citation Style Language data model), APA and
Chicago rendered from their CSL styles by citeproc-py in the reader's language, and the BibTeX
(bibtexparser) and RIS (rispy) files reference managers import."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import rispy
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc.source.json import CiteProcJSON
from markupsafe import Markup, escape
from pylatexenc.latexencode import UnicodeToLatexEncoder

from knowledge.creators import Creator, credited

STYLES_DIR = Path(__file__).with_name("citation_styles")
# Style name -> CSL file (from citation-style-language/styles, CC BY-SA 3.0; see its README).
STYLES = {"apa": "apa.csl", "chicago": "chicago-author-date.csl"}
STYLE_NAMES = {"apa": "APA", "chicago": "Chicago"}  # proper names, the same in every language
# The downloads (knowledge.cite_views), by the formats' own names.
FORMAT_NAMES = (("bib", "BibTeX"), ("ris", "RIS"), ("csl", "CSL-JSON"))
# The CSL locale of each interface language (the terms "and", "n.d.", "Retrieved from" ...).
CSL_LOCALES = {
    "en": "en-US",
    "fr": "fr-FR",
    "es": "es-ES",
    "zh": "zh-CN",
    "ar": "ar",
    "ru": "ru-RU",
}
# Product type -> (CSL type, BibTeX entry type, RIS type).
TYPES = {
    "legislation": ("legislation", "misc", "STAT"),
    "vnr": ("report", "techreport", "GOVDOC"),
    "unsdcf": ("report", "techreport", "GOVDOC"),
}
DEFAULT_TYPES = ("report", "techreport", "RPRT")


@dataclass(frozen=True)
class Work:
    """What a citation says of a product, gathered by the caller from the database."""

    id: int
    title: str
    abstract: str
    product_type: str
    language: str
    published: tuple[int, int, int]
    publisher: str  # the contributing organisation
    creators: tuple[Creator, ...]  # none: the publisher is credited
    permalink: str
    doi: str | None = None
    edition: str | None = None

    @property
    def key(self) -> str:
        return f"unv-k{self.id}"

    @property
    def credited(self) -> tuple[Creator, ...]:
        return credited(self.creators, self.publisher)


def csl_json(work: Work) -> dict[str, Any]:
    """The CSL-JSON item of the work (what Zotero, Mendeley and pandoc read)."""
    item: dict[str, Any] = {
        "id": work.key,
        "type": TYPES.get(work.product_type, DEFAULT_TYPES)[0],
        "title": work.title,
        "author": [_csl_name(creator) for creator in work.credited],
        "issued": {"date-parts": [list(work.published)]},
        "publisher": work.publisher,
        "URL": work.permalink,
        "language": work.language,
    }
    return item | _given(work, abstract="abstract", doi="DOI", edition="edition")


def _given(work: Work, **names: str) -> dict[str, str]:
    """The optional fields the work has, under the names a format gives them."""
    values = {"abstract": work.abstract, "doi": work.doi, "edition": work.edition}
    return {name: values[field] or "" for field, name in names.items() if values[field]}


def _csl_name(creator: Creator) -> dict[str, str]:
    if creator.kind == "organisation":
        return {"literal": creator.name}
    return (
        {"family": creator.name, "given": creator.given}
        if creator.given
        else {"family": creator.name}
    )


# Italics are marked with two private-use characters while citeproc-py renders, as plain text;
# the text is escaped afterwards and only the marks become <i>. (citeproc-py's HTML formatter
# leaves some variables unescaped: a title could otherwise carry markup into the page.)
_ITALIC = ("\ue000", "\ue001")


def _italic(text: str) -> str:
    return f"{_ITALIC[0]}{text}{_ITALIC[1]}"


def _plain(text: str) -> str:
    return str(text)


_FORMATTER = SimpleNamespace(
    preformat=_plain,
    Italic=_italic,
    Oblique=_italic,
    Bold=_plain,
    Light=_plain,
    Underline=_plain,
    Superscript=_plain,
    Subscript=_plain,
    SmallCaps=_plain,
)


def formatted(work: Work, style: str, language: str) -> Markup:
    """The bibliography entry in `style` ("apa" or "chicago") as safe HTML (all text escaped,
    titles in <i>), with the terms of the reader's `language`."""
    locale = CSL_LOCALES.get(language[:2], "en-US")
    item = json.dumps(csl_json(work), sort_keys=True)
    for mark in _ITALIC:
        item = item.replace(mark, "")
    text = str(escape(_render(STYLES[style], locale, item)))
    return Markup(text.replace(_ITALIC[0], "<i>").replace(_ITALIC[1], "</i>"))  # noqa: S704


@lru_cache(maxsize=1024)
def _render(style_file: str, locale: str, item_json: str) -> str:
    # A style is parsed for each rendering (about 10 ms): citeproc-py objects are not shared
    # between threads. Renderings are cached by their whole input, so an edit shows at once.
    item = json.loads(item_json)
    style = CitationStylesStyle(str(STYLES_DIR / style_file), locale=locale, validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), _FORMATTER)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])


# LaTeX's special characters and accented letters encoded; other scripts kept as UTF-8.
_LATEX = UnicodeToLatexEncoder(non_ascii_only=False, unknown_char_policy="keep")


def bibtex(work: Work) -> str:
    """The BibTeX entry (LaTeX special characters encoded, organisations kept whole)."""
    authors = " and ".join(
        f"{{{_LATEX.unicode_to_latex(creator.name)}}}"
        if creator.kind == "organisation"
        else _LATEX.unicode_to_latex(creator.sort_name)
        for creator in work.credited
    )
    fields = {
        "author": authors,
        "title": _LATEX.unicode_to_latex(work.title),
        "year": str(work.published[0]),
        "month": str(work.published[1]),
        "institution" if _bibtex_type(work) == "techreport" else "publisher": (
            _LATEX.unicode_to_latex(work.publisher)
        ),
        "url": work.permalink,
        "language": work.language,
        "doi": work.doi or "",
        "edition": _LATEX.unicode_to_latex(work.edition or ""),
    }
    entry = Entry(
        _bibtex_type(work),
        work.key,
        [Field(name, value) for name, value in fields.items() if value],
    )
    text: str = write_string(Library([entry]))
    return text


def _bibtex_type(work: Work) -> str:
    return TYPES.get(work.product_type, DEFAULT_TYPES)[1]


class _RisWriter(rispy.RisWriter):
    """RIS without the record counter line rispy writes before each record."""

    def set_header(self, count: int) -> str:
        return ""


def ris(work: Work) -> str:
    """The RIS record (one AU line a creator, "Family, Given" for persons)."""
    record: dict[str, Any] = {
        "type_of_reference": TYPES.get(work.product_type, DEFAULT_TYPES)[2],
        "title": work.title,
        "authors": [creator.sort_name for creator in work.credited],
        "year": str(work.published[0]),
        "date": "/".join(f"{part:02d}" for part in work.published),
        "publisher": work.publisher,
        "urls": [work.permalink],
        "language": work.language,
    }
    record |= _given(work, abstract="abstract", doi="doi", edition="edition")
    text: str = rispy.dumps([record], implementation=_RisWriter)
    return text.lstrip("\n")
