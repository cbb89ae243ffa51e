"""Every page on a 360-px phone, for every role: none wider than the screen, and search results
before the filters.

The crawl starts from every GET route of the app's URL map that takes no argument (plus a survey
link and a password-reset link, which only come by mail), follows the same-origin links of each
page it opens, and measures each HTML page twice: as it loads, and with every disclosure opened.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urldefrag, urljoin, urlparse

import pytest

from tests.browser.conftest import DEMO_ACCOUNTS, LivePortal
from tests.browser.test_portal_pages import switch_language

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

NewPage = Callable[..., "Page"]
LogIn = Callable[["Page", str], None]
ROLES = ["visitor", "partner", "contributor", "staff", "admin"]
# A path is opened with at most this many query strings (sort orders, pages, filters...).
QUERY_VARIANTS = 3
PER_PATTERN = 3  # pages whose paths differ only by ids
FILE_SUFFIXES = (
    ".pdf", ".csv", ".xlsx", ".json", ".xml", ".atom", ".svg", ".sav", ".dta",
    ".bib", ".ris", ".csl",
)  # fmt: skip
MAX_PAGES = 400

# The elements sticking out of the screen, outermost first, to name the culprit in a failure
# (what a scrolling box such as a table region holds does not count: it scrolls in its box).
MEASURE = """() => {
  const width = window.innerWidth;
  const scrolls = el => el !== document.body && getComputedStyle(el).overflowX !== 'visible';
  const inScroller = el => { for (let a = el.parentElement; a && a !== document.body;
                                  a = a.parentElement) { if (scrolls(a)) return true; }
                             return false; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 0.5 && box.left >= -0.5)) continue;
    if (out.some(o => o.el.contains(el)) || inScroller(el)) continue;
    const classes = typeof el.className === 'string' ? el.className.split(/\\s+/) : [];
    const name = [el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''), ...classes]
      .filter(Boolean).join('.');
    out.push({el, text: `${name} ${Math.round(box.left)}..${Math.round(box.right)}px`});
  }
  return {scroll: document.documentElement.scrollWidth, width,
          culprits: out.slice(0, 5).map(o => o.text)};
}"""
OPEN_DISCLOSURES = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


@dataclass
class Crawl:
    """What one role's crawl saw: pages measured, files skipped, pages too wide."""

    pages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)


def seed_paths(app: Flask) -> list[str]:
    """Every GET route without arguments, in a stable order."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static"
    )


def mailed_links(app: Flask) -> list[str]:
    """A fresh link to this year's open volunteer survey and a password-reset link: pages a
    visitor reaches only from a mail."""
    from sqlalchemy import select

    from portal.auth.passwords import password_reset_token
    from portal.db import database, utcnow
    from portal.models import User
    from surveys.invitations import create_invitations, issue_link
    from surveys.models import Campaign
    from surveys.rosters import RosterEntry

    with database(app).transaction() as session:
        campaign = session.scalars(
            select(Campaign)
            .where(Campaign.survey_key == "volunteer_exit", Campaign.state == "open")
            .order_by(Campaign.year.desc())
        ).first()
        assert campaign is not None, "the demo data has no open volunteer survey"
        entry = RosterEntry(line=2, email="phone.crawl@example.org", locale="en")
        (invitation,) = create_invitations(session, campaign, [entry])
        survey = issue_link(session, invitation, "invitation", utcnow(), 30)
        user = session.scalars(select(User).where(User.email == DEMO_ACCOUNTS["partner"])).one()
        reset = password_reset_token(user, app.config["SECRET_KEY"])
    return [f"/s/{survey}", f"/password/reset/{reset}"]


def _shape(url: str) -> tuple[str, str]:
    parts = urlparse(url)
    keys = ",".join(sorted({key for key, _ in parse_qsl(parts.query)}))
    return parts.path, keys


def _links(page: Page, origin: str) -> Iterator[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    for href in hrefs:
        url = urldefrag(urljoin(page.url, href)).url
        if url.startswith(origin + "/") and not urlparse(url).path.startswith("/static/"):
            yield url


def _measure(page: Page, crawl: Crawl) -> None:
    for state in ("as loaded", "disclosures open"):
        if state == "disclosures open":
            page.evaluate(OPEN_DISCLOSURES)
        seen: dict[str, Any] = page.evaluate(MEASURE)
        if seen["scroll"] > seen["width"]:
            crawl.too_wide.append(
                f"{page.url} ({state}): {seen['scroll']}px in {seen['width']}px; "
                + "; ".join(seen["culprits"])
            )
            return


def crawl_as(page: Page, origin: str, start: list[str]) -> Crawl:
    crawl = Crawl()
    queue = [origin + path for path in start]
    done: set[str] = set()
    variants: Counter[str] = Counter()
    patterns: Counter[str] = Counter()
    while queue and len(crawl.pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in done:
            continue
        done.add(url)
        path, keys = _shape(url)
        if path.endswith(FILE_SUFFIXES):
            crawl.files.append(url)  # a download, never a page: not fetched (PDFs take seconds)
            continue
        # Pages of one pattern (/knowledge/12, /knowledge/13 …) share their template: a few do.
        pattern = re.sub(r"/\d+(?=/|$)", "/<n>", path)
        patterns[pattern] += 1
        if patterns[pattern] > PER_PATTERN:
            continue
        if keys:
            variants[path] += 1
            if variants[path] > QUERY_VARIANTS:
                continue
        # Ask first: a download (CSV, PDF, XLSX) would abort a navigation; JSON, SVG: no pages.
        response = page.request.get(url)
        kind = response.headers.get("content-type", "")
        response.dispose()
        if not kind.startswith("text/html"):
            crawl.files.append(url)
            continue
        page.goto(url)
        crawl.pages.append(page.url)
        _measure(page, crawl)
        queue += [link for link in _links(page, origin) if link not in done]
    return crawl


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_wider_than_a_phone(
    live_portal: LivePortal, new_page: NewPage, log_in: LogIn, role: str
) -> None:
    page = new_page(width=360)
    start = seed_paths(live_portal.app)
    if role == "visitor":
        start += mailed_links(live_portal.app)
    else:
        log_in(page, role)

    crawl = crawl_as(page, live_portal.url, start)
    print(f"{role}: {len(crawl.pages)} pages measured, {len(crawl.files)} files skipped")

    assert len(crawl.pages) < MAX_PAGES, "the crawl stopped at its limit"
    # The crawl did reach the pages that matter to the role (and so is no empty pass).
    paths = {urlparse(url).path for url in crawl.pages}
    assert {"/", "/knowledge/", "/login"} & paths
    assert any(path.startswith("/knowledge/") and path[11:].isdigit() for path in paths)
    if role in ("staff", "admin"):
        assert {"/knowledge/support", "/surveys/campaigns", "/results/"} <= paths
    too_wide = crawl.too_wide
    assert not too_wide, "\n".join(too_wide)


FIRST_RESULT = """() => {
  const link = document.querySelector('ol.link-list h3 a');
  return link && [link.getBoundingClientRect().bottom + window.scrollY, window.innerHeight];
}"""


@pytest.mark.parametrize(
    ("role", "lang", "query"),
    [
        ("visitor", "en", "volunteer"),
        ("visitor", "fr", "volunteer"),
        ("visitor", "ar", "volunteer"),
        ("visitor", "zh", "志愿服务"),
        ("staff", "en", "volunteer"),
    ],
)
def test_first_search_result_is_within_two_screens_on_a_phone(
    live_server: str, new_page: NewPage, log_in: LogIn, role: str, lang: str, query: str
) -> None:
    page = new_page(width=360)
    if role != "visitor":
        log_in(page, role)
    page.goto(f"{live_server}/knowledge/")
    if lang != "en":
        switch_language(page, lang)

    page.goto(f"{live_server}/knowledge/?q={query}")

    bottom, screen = page.evaluate(FIRST_RESULT)
    assert bottom <= 2 * screen, f"first result ends at {bottom:.0f}px; the screen is {screen}px"
    filters = page.locator("details.filters")
    assert filters.get_attribute("open") is None
    # The filters are one tap away, and work.
    filters.locator("summary").click()
    assert page.locator("form.facets input[type=checkbox]").first.is_visible()
