"""A product's library metadata in a real browser: its creators with their identifiers, "Cite
this" with the BibTeX download a reference manager imports, the repository settings and the new
submit fields; axe-core in English and Arabic at phone and desktop widths."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import bibtexparser
import pytest

from tests.browser.test_portal_pages import (
    assert_no_horizontal_scroll,
    assert_no_problems,
    switch_language,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
NewPage = Callable[..., "Page"]
AxeCheck = Callable[["Page"], None]
LogIn = Callable[["Page", str], None]

TOOLKIT = "Boîte à outils pour l'engagement des jeunes volontaires en Afrique de l'Ouest"


def _open_toolkit(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/knowledge/?q=engagement+jeunes")
    page.get_by_role("link", name=TOOLKIT).first.click()
    page.wait_for_selector("#cite-title")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_cited_product_and_the_library_forms_have_no_axe_violation(
    live_server: str,
    new_page: NewPage,
    axe_check: AxeCheck,
    log_in: LogIn,
    lang: str,
    width: int,
) -> None:
    page = new_page(width=width)
    log_in(page, "staff")
    if lang != "en":
        switch_language(page, lang)
    _open_toolkit(page, live_server)
    creators = page.locator(".product-creators")
    assert creators.inner_text().startswith("Awa Diop ORCID; Moussa Traoré;")
    orcid = creators.get_by_role("link").first
    assert orcid.get_attribute("href") == "https://orcid.org/0000-0002-1825-0097"
    axe_check(page)
    assert_no_horizontal_scroll(page)
    for path in ("/knowledge/settings", "/knowledge/submit"):
        page.goto(f"{live_server}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        axe_check(page)
        assert_no_horizontal_scroll(page)
    assert page.locator("#creators").get_attribute("dir") == "auto"
    assert_no_problems(page)


def test_a_visitor_copies_the_apa_citation_and_downloads_the_bibtex(
    live_server: str, new_page: NewPage
) -> None:
    page = new_page(width=360)
    _open_toolkit(page, live_server)
    apa = page.locator(".citations dd").first.inner_text()
    assert apa.startswith("Diop, A., Traoré, M., & Volontaires des Nations Unies. (2024).")
    assert f"{TOOLKIT}." in apa

    with page.expect_download() as arrival:
        page.get_by_role("link", name="BibTeX").click()
    download = arrival.value
    assert download.suggested_filename.endswith(".bib")
    text = Path(download.path()).read_text(encoding="utf-8")
    (entry,) = bibtexparser.parse_string(text).entries
    assert entry.fields_dict["author"].value.startswith("Diop, Awa and Traor")
    assert_no_problems(page)
