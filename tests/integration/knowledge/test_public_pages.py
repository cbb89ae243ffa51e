"""Public pages: browse with filters, product page with schema.org data, sitemap, metadata API."""

from __future__ import annotations

import json
import re
from datetime import date

from defusedxml import ElementTree

from knowledge import uploads
from knowledge.catalogue import (
    published_ids,
    related_products,
    search_document,
)
from knowledge.demo import minimal_pdf
from knowledge.models import ProductFile
from tests.integration.knowledge.conftest import make_product, reread
from tests.integration.search.conftest import run_indexer
from tests.worker_helpers import read_texts


def _titles(page: str) -> list[str]:
    return re.findall(r'class="card__title"[^>]*>\s*<a [^>]*>([^<]+)</a>', page)


def test_browse_lists_published_products_only(app, client, session, people) -> None:
    make_product(session, people.ministry, title="Public report")
    for status in ("draft", "submitted", "rejected"):
        make_product(session, people.ministry, status=status, title=f"Hidden {status}")
    withdrawn = make_product(session, people.ministry, title="Hidden withdrawn")
    withdrawn.status = "withdrawn"
    session.commit()
    run_indexer(app)

    page = client.get("/knowledge/").get_data(as_text=True)

    assert _titles(page) == ["Public report"]


def test_browse_filters_by_type_language_sdg_country_and_year(app, client, session, people) -> None:
    match = {
        "product_type": "vnr",
        "language": "es",
        "sdgs": (5,),
        "countries": ("ECU",),
        "publication_date": date(2023, 7, 1),
    }
    make_product(session, people.ministry, title="Match", **match)
    for title, change in (
        ("Other type", {"product_type": "report"}),
        ("Other year", {"publication_date": date(2022, 7, 1)}),
        ("Other goal", {"sdgs": (6,)}),
        ("Other country", {"countries": ("PER",)}),
        ("Other language", {"language": "en"}),
    ):
        make_product(session, people.ministry, title=title, **(match | change))
    session.commit()
    run_indexer(app)

    page = client.get("/knowledge/?type=vnr&language=es&sdg=5&country=ECU&year=2023").get_data(
        as_text=True
    )

    assert _titles(page) == ["Match"]
    assert "1 product" in page


def test_browse_ignores_malformed_filters_and_pages(app, client, session, people) -> None:
    make_product(session, people.ministry, title="Still listed")
    session.commit()
    run_indexer(app)

    response = client.get("/knowledge/?type=<script>&sdg=99&country=xx&year=abc&page=-3")

    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True)) == ["Still listed"]
    assert "<script>" not in response.get_data(as_text=True)


def test_browse_paginates_newest_first_and_keeps_filters(app, client, session, people) -> None:
    for day in range(1, 26):
        make_product(
            session,
            people.ministry,
            title=f"Report {day:02d}",
            product_type="report",
            publication_date=date(2024, 1, day),
        )
    session.commit()
    run_indexer(app)

    first = client.get("/knowledge/?type=report").get_data(as_text=True)
    second = client.get("/knowledge/?type=report&page=2").get_data(as_text=True)

    assert _titles(first)[:2] == ["Report 25", "Report 24"]
    assert len(_titles(first)) == 20
    assert _titles(second) == [f"Report {day:02d}" for day in range(5, 0, -1)]
    assert "page=2" in first and "type=report" in first.split('rel="next"')[0].rsplit("href", 1)[1]


def test_product_page_shows_metadata_and_schema_org_data(client, session, people) -> None:
    product = make_product(
        session,
        people.ministry,
        title="Ley Orgánica de Voluntariado",
        language="es",
        countries=("ECU",),
        sdgs=(16,),
        product_type="legislation",
        url="https://example.org/ley",
    )
    session.commit()

    page = client.get(f"/knowledge/{product.id}").get_data(as_text=True)

    assert "Ley Orgánica de Voluntariado" in page
    assert "Ecuador" in page
    assert "16. Peace, Justice and Strong Institutions" in page
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Ley Orgánica de Voluntariado"
    assert data["inLanguage"] == "es"
    assert data["url"] == f"https://portal.example.org/knowledge/{product.id}"
    # No creators given: the contributing organisation is the author.
    assert data["author"] == [{"@type": "Organization", "name": people.ministry.name}]
    assert data["@id"] == data["identifier"][0] == f"https://portal.example.org/k/{product.id}"
    assert (
        f'<link rel="canonical" href="https://portal.example.org/knowledge/{product.id}">' in page
    )


def test_product_page_in_spanish_names_goals_and_countries_in_spanish(
    client, session, people
) -> None:
    product = make_product(session, people.ministry, countries=("DEU",), sdgs=(2,))
    session.commit()

    page = client.get(f"/knowledge/{product.id}", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )

    assert "2. Hambre cero" in page
    assert "Alemania" in page


def test_title_with_markup_is_escaped_everywhere(client, session, people) -> None:
    product = make_product(session, people.ministry, title="</script><script>alert(1)</script>")
    session.commit()

    product_page = client.get(f"/knowledge/{product.id}").get_data(as_text=True)
    browse_page = client.get("/knowledge/").get_data(as_text=True)

    assert "<script>alert(1)" not in product_page
    assert "<script>alert(1)" not in browse_page
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', product_page, re.S)
    assert json_ld is not None and "</script>" not in json_ld.group(1)


def test_related_products_share_goals_or_countries_and_are_published(session, people) -> None:
    product = make_product(session, people.ministry, sdgs=(4, 5), countries=("KEN",))
    both = make_product(session, people.ngo, title="Both", sdgs=(4,), countries=("KEN",))
    goal = make_product(session, people.ngo, title="Goal", sdgs=(5,), countries=("PER",))
    make_product(session, people.ngo, title="Unrelated", sdgs=(13,), countries=("PER",))
    make_product(
        session, people.ngo, title="Pending", status="submitted", sdgs=(4,), countries=("KEN",)
    )

    related = related_products(session, product)

    assert [item.title for item in related] == [both.title, goal.title]


def test_each_readers_view_is_counted_once(client, session, people) -> None:
    product = make_product(session, people.ministry)
    session.commit()
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0"}
    for address in ("192.0.2.1", "192.0.2.1", "192.0.2.2"):  # a double click, then another reader
        client.get(
            f"/knowledge/{product.id}", headers=browser, environ_base={"REMOTE_ADDR": address}
        )

    session.refresh(product)
    assert product.view_count == 2


def test_sitemap_lists_published_products_with_the_configured_base_url(
    client, session, people
) -> None:
    public = make_product(session, people.ministry)
    hidden = make_product(session, people.ministry, status="submitted")
    session.commit()

    response = client.get("/sitemap.xml", headers={"Host": "evil.example"})

    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    assert f"https://portal.example.org/knowledge/{public.id}" in locations
    assert f"https://portal.example.org/knowledge/{hidden.id}" not in locations
    assert all(loc and loc.startswith("https://portal.example.org/") for loc in locations)


def test_metadata_api_answers_for_published_products_only(client, session, people) -> None:
    public = make_product(
        session,
        people.ministry,
        title="API product",
        sdgs=(1, 17),
        countries=("ECU",),
        product_type="vnr",
        volunteering_integrated=True,
    )
    hidden = make_product(session, people.ministry, status="submitted")
    session.commit()

    answer = client.get(f"/api/v1/knowledge/products/{public.id}")
    missing = client.get(f"/api/v1/knowledge/products/{hidden.id}")

    assert answer.status_code == 200
    body = answer.get_json()
    assert body["title"] == "API product"
    assert body["sdgs"] == [1, 17]
    assert body["countries"] == ["ECU"]
    assert body["volunteering_integrated"] is True
    assert body["organisation"]["kind"] == "member_state"
    assert missing.status_code == 404
    assert "error" in missing.get_json()
    assert client.get("/api/v1/knowledge/products/999999").status_code == 404


def test_search_document_holds_published_products_and_read_text_only(
    app, session, people, data_dir
) -> None:
    product = make_product(session, people.ministry, title="Indexed", sdgs=(3,), countries=("KEN",))
    draft = make_product(session, people.ministry, status="draft")
    source = data_dir / "text.pdf"
    data_dir.mkdir(parents=True, exist_ok=True)
    source.write_bytes(minimal_pdf("Inside the file", ["Words found only in the PDF."]))
    uploads.add_file(
        session, None, product, uploads.accept_upload(data_dir, source, "a.pdf", max_bytes=10**6)
    )
    unreadable = ProductFile(
        product=product,
        storage_key="00/00/" + "0" * 32,
        original_name="b.pdf",
        kind="pdf",
        mime="application/pdf",
        size=10,
        sha256="0" * 64,
        text_status="encrypted",
    )
    session.add(unreadable)
    session.commit()
    pending = search_document(session, product.id)
    assert pending is not None and pending["file_text"] is None  # not read yet

    assert read_texts(app) == 1  # the encrypted one is not pending: only the PDF is read
    reread(session)
    document = search_document(session, product.id)

    assert document is not None
    assert document["title"] == "Indexed"
    assert document["org_kind"] == "member_state"
    assert (document["sdgs"], document["countries"]) == ([3], ["KEN"])
    assert "Words found only in the PDF." in document["file_text"]
    assert search_document(session, draft.id) is None
    assert search_document(session, 999_999) is None
    assert published_ids(session) == [product.id]
