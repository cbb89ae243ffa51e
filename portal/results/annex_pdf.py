"""The annex of a year laid out as an A4 landscape PDF (fpdf2): fonts embedded, text shaped.

Text goes through HarfBuzz (uharfbuzz), so Arabic is joined and runs right to left; an Arabic
report also puts its columns right to left. The rating cell carries its colour and its words.
Only the font families a report's text needs are embedded (and subset by fpdf2).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date
from typing import Final, TypeVar

from flask_babel import force_locale
from fpdf import FPDF, FontFace

from portal.db import utcnow
from portal.results.annex import Annex, AnnexSection, annex_content
from portal.results.annex_fonts import report_faces
from portal.results.figures import YearResults

FAMILY: Final = "NotoSans"
# Indicator, baseline, target, value, rating, notes (mm): the 267 mm between 15 mm margins.
WIDTHS: Final = (76, 25, 25, 30, 42, 69)
RATING_COLUMN: Final = 4
TEXT: Final = (27, 31, 36)
MUTED: Final = (74, 85, 96)
LINES: Final = (190, 198, 206)
HEAD_FILL: Final = (236, 239, 242)
# The dashboard's badge colours (white on green 5.1:1, dark on yellow 11.6:1, grey 9.0:1).
RATING_STYLES: Final = {
    "green": FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=(26, 127, 55)),
    "yellow": FontFace(emphasis="BOLD", color=TEXT, fill_color=(255, 211, 77)),
    "no_target": FontFace(color=(58, 65, 72), fill_color=HEAD_FILL),
    "insufficient_data": FontFace(color=MUTED),
}
GROUP_STYLE: Final = FontFace(color=MUTED, size_pt=7.5)
SCRIPTS: Final = {
    "NotoSansArabic": re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
    "NotoSansCJK": re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]"),
}

T = TypeVar("T")


class _Document(FPDF):
    """A report page: the footer names the report and the page."""

    def __init__(self, annex: Annex) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.annex = annex

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        page = self.annex.footer.format(page=self.page_no())
        self.cell(0, 5, f"{self.annex.title} · {page}", align="R" if self.annex.rtl else "L")


def _texts(annex: Annex) -> str:
    cells = (text for section in annex.sections for row in section.rows for text in row.cells)
    headings = (f"{s.heading} {s.statement or ''}" for s in annex.sections)
    return " ".join((annex.title, annex.subtitle, *annex.facts, *annex.closing, *headings, *cells))


def _fonts(pdf: FPDF, annex: Annex) -> None:
    """Register the fonts the text needs; glyphs missing from Noto Sans come from the others."""
    faces, fallbacks = report_faces()
    text = _texts(annex)
    needed = {FAMILY, *(family for family, script in SCRIPTS.items() if script.search(text))}
    for face in faces:
        if face.family in needed:
            pdf.add_font(face.family, face.style, str(face.path), collection_font_number=face.index)
    # Noto Sans is its own last fallback: fpdf2 (2.8) keeps a fallback font as the current font
    # after a paragraph that began with it, and would otherwise find no Latin glyph after it.
    fallback = [f for f in fallbacks if f in needed]
    pdf.set_fallback_fonts([*fallback, FAMILY] if fallback else [], exact_match=False)


def _in_order(items: Sequence[T], rtl: bool) -> list[T]:
    return list(reversed(items)) if rtl else list(items)


def _paragraph(pdf: FPDF, text: str, size: float, *, bold: bool = False, muted: bool = False,
               rtl: bool = False) -> None:  # fmt: skip
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*(MUTED if muted else TEXT))
    pdf.multi_cell(0, size * 0.5, text, align="R" if rtl else "L", new_x="LMARGIN", new_y="NEXT")


def _section(pdf: FPDF, section: AnnexSection, annex: Annex) -> None:
    if pdf.will_page_break(35):
        pdf.add_page()
    pdf.ln(3)
    _paragraph(pdf, section.heading, 12 if section.level == 1 else 10.5, bold=True, rtl=annex.rtl)
    if section.statement:
        _paragraph(pdf, section.statement, 9, muted=True, rtl=annex.rtl)
    pdf.ln(1.5)
    pdf.set_font(FAMILY, size=8.5)
    pdf.set_text_color(*TEXT)
    pdf.set_draw_color(*LINES)
    with pdf.table(
        col_widths=_in_order(WIDTHS, annex.rtl),
        text_align="RIGHT" if annex.rtl else "LEFT",
        line_height=4,
        padding=(1.2, 1.5),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for text in _in_order(annex.headings, annex.rtl):
            heading.cell(text)
        for row in section.rows:
            line = table.row(style=GROUP_STYLE if row.group else None)
            for column, text in _in_order(list(enumerate(row.cells)), annex.rtl):
                rated = column == RATING_COLUMN and row.status is not None
                line.cell(text, style=RATING_STYLES.get(row.status or "") if rated else None)


def _document(annex: Annex) -> _Document:
    pdf = _Document(annex)
    _fonts(pdf, annex)
    # Shaping (HarfBuzz) costs about half the layout time: only Arabic needs it to be readable.
    # Each paragraph takes its direction from its first letter, so that a title the framework
    # gives only in English keeps its order in an Arabic report.
    if annex.rtl:
        pdf.set_text_shaping(use_shaping_engine=True)
    pdf.set_lang(annex.lang)
    pdf.set_title(annex.title)
    pdf.set_creator("UNV Results Portal")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    _paragraph(pdf, annex.title, 16, bold=True, rtl=annex.rtl)
    _paragraph(pdf, annex.subtitle, 12, rtl=annex.rtl)
    pdf.ln(1)
    for fact in annex.facts:
        _paragraph(pdf, fact, 9.5, muted=True, rtl=annex.rtl)
    for section in annex.sections:
        _section(pdf, section, annex)
    pdf.ln(4)
    for note in annex.closing:
        _paragraph(pdf, note, 8.5, muted=True, rtl=annex.rtl)
    return pdf


def render_annex(annex: Annex) -> bytes:
    # fontTools reports every table it subsets at INFO: nothing an operator needs in the log.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    return bytes(_document(annex).output())


def annex_pdf(payload: YearResults, locale: str, today: date | None = None) -> bytes:
    """The year's report as PDF in `locale` (en, fr, es, zh, ar, ru), fonts embedded."""
    with force_locale(locale):
        annex = annex_content(payload, locale, today or utcnow().date())
    return render_annex(annex)


def annex_filename(payload: YearResults, locale: str) -> str:
    return f"results-annex-{payload['year']}-{locale}.pdf"
