"""Atom feeds: the newest published products, and one feed per search, read by a feed reader."""

from __future__ import annotations

import feedparser

from knowledge import moderation
from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import run_indexer


def _read(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")  # well-formed and as Atom expects
    assert parsed.version == "atom10"
    return parsed


def test_the_feed_lists_the_newest_published_products(app, client, session, people, index) -> None:
    first = make_product(session, people.ministry, title="Volunteer laws in Ecuador")
    second = make_product(session, people.ngo, title="Volontariat et climat", language="fr")
    make_product(session, people.ministry, title="Waiting for review", status="submitted")
    withdrawn = make_product(session, people.ministry, title="Withdrawn study")
    moderation.withdraw(session, people.staff, withdrawn, "Superseded.")
    session.commit()
    parsed = _read(client, "/knowledge/feed.atom")
    titles = [entry.title for entry in parsed.entries]
    assert sorted(titles) == sorted([first.title, second.title])
    entry = next(e for e in parsed.entries if e.title == second.title)
    assert entry.link.endswith(f"/knowledge/{second.id}")
    assert entry.author == people.ngo.name
    assert entry.summary.startswith("How volunteers contribute")
    assert parsed.feed.links[0].rel == "self"


def test_a_search_has_its_own_feed(app, client, session, people, index) -> None:
    make_product(session, people.ministry, title="Volunteer laws in Ecuador")
    make_product(session, people.ngo, title="Climate volunteering toolkit", product_type="toolkit")
    session.commit()
    run_indexer(app)
    parsed = _read(client, "/knowledge/feed.atom?q=climate&type=toolkit")
    assert [entry.title for entry in parsed.entries] == ["Climate volunteering toolkit"]
    assert "“climate”" in parsed.feed.title
    page = client.get("/knowledge/?q=climate&type=toolkit").get_data(as_text=True)
    assert page.count("feed.atom?q=climate") == 2  # the head link and the visible one
