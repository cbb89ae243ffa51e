"""Metadata libraries expect, end to end: creators, DOI, licence, a file's edition and language
through the form, the import, the product API, JSON-LD, OAI-PMH, the permanent link and the
citation downloads; the default licence set by staff."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import bibtexparser
import rispy
from sqlalchemy import select

from knowledge.creators import parse_creators
from knowledge.models import KnowledgeProduct
from knowledge.repository_settings import default_licence
from portal.models import AuditEvent
from tests.integration.knowledge.conftest import count_rows, form_post, make_product
from tests.integration.knowledge.test_import import (
    ROWS,
    files_dir,
    organisations,
    run_import,
    write_csv,
)
from tests.integration.knowledge.test_submission import FORM

__all__ = ["files_dir", "organisations"]  # the import tests' fixtures, used here too

CREATORS = (
    "Diallo, Aminata [https://orcid.org/0000-0002-1825-0097]\n"
    "Nguyen, Anh Thu\n"
    "org: United Nations Volunteers [https://ror.org/03yrm5c26]"
)


def _published_with_creators(session, people) -> KnowledgeProduct:
    product = make_product(
        session, people.ministry, title="Volunteer schemes in West Africa", licence="CC-BY-4.0",
        doi="https://doi.org/10.5555/unv.2024.7",
        creators=parse_creators(CREATORS),
    )  # fmt: skip
    session.commit()
    return product


def test_the_form_stores_creators_doi_and_the_files_edition_and_language(
    login, people, session, pdf_bytes
) -> None:
    response = form_post(
        login(people.contributor),
        "/knowledge/submit",
        {
            **FORM,
            "creators": CREATORS,
            "doi": "doi:10.5555/UNV.2025.1",
            "file": (io.BytesIO(pdf_bytes), "ley.pdf"),
            "file_language": "fr",
            "file_edition": "2e édition",
            "action": "submit",
        },
    )

    assert response.status_code == 302
    product = session.scalars(select(KnowledgeProduct)).one()
    assert [(c.kind, c.name, c.given, c.identifier) for c in product.creators] == [
        ("person", "Diallo", "Aminata", "0000-0002-1825-0097"),
        ("person", "Nguyen", "Anh Thu", None),
        ("organisation", "United Nations Volunteers", "", "03yrm5c26"),
    ]
    assert product.doi == "10.5555/UNV.2025.1"
    assert (product.files[0].language, product.files[0].edition) == ("fr", "2e édition")
    edit = login(people.contributor).get(f"/knowledge/{product.id}/edit").get_data(as_text=True)
    assert "Diallo, Aminata [0000-0002-1825-0097]" in edit  # the form shows them back


def test_a_bad_orcid_is_refused_on_the_creators_field_and_nothing_is_stored(
    login, people, session
) -> None:
    response = form_post(
        login(people.contributor),
        "/knowledge/submit",
        {**FORM, "url": "https://example.org/p", "creators": "Diallo, A [0000-0002-1825-0098]"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="creators-error"' in page
    assert "Creator 1: 0000-0002-1825-0098 is not a valid ORCID iD" in page
    assert count_rows(session, KnowledgeProduct) == 0


def test_a_doi_names_one_product(login, people, session) -> None:
    _published_with_creators(session, people)
    response = form_post(
        login(people.contributor),
        "/knowledge/submit",
        {**FORM, "url": "https://example.org/p", "doi": "10.5555/UNV.2024.7"},
    )

    assert 'id="doi-error"' in response.get_data(as_text=True)
    assert count_rows(session, KnowledgeProduct) == 1


def test_product_api_and_json_ld_carry_creators_identifier_and_licence(
    client, session, people
) -> None:
    product = _published_with_creators(session, people)

    data = client.get(f"/api/v1/knowledge/products/{product.id}").get_json()
    assert data["creators"] == [
        {"type": "person", "name": "Diallo", "given_name": "Aminata",
         "orcid": "0000-0002-1825-0097"},
        {"type": "person", "name": "Nguyen", "given_name": "Anh Thu", "orcid": None},
        {"type": "organisation", "name": "United Nations Volunteers", "ror": "03yrm5c26"},
    ]  # fmt: skip
    assert data["doi"] == "10.5555/unv.2024.7"
    assert data["licence"] == "CC-BY-4.0"
    assert data["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["permalink"] == f"https://portal.example.org/k/{product.id}"

    page = client.get(f"/knowledge/{product.id}").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    ld = json.loads(block.group(1))
    assert ld["author"] == [
        {"@type": "Person", "name": "Aminata Diallo", "familyName": "Diallo",
         "givenName": "Aminata", "@id": "https://orcid.org/0000-0002-1825-0097",
         "identifier": "https://orcid.org/0000-0002-1825-0097"},
        {"@type": "Person", "name": "Anh Thu Nguyen", "familyName": "Nguyen",
         "givenName": "Anh Thu"},
        {"@type": "Organization", "name": "United Nations Volunteers",
         "@id": "https://ror.org/03yrm5c26", "identifier": "https://ror.org/03yrm5c26"},
    ]  # fmt: skip
    assert ld["identifier"] == [
        f"https://portal.example.org/k/{product.id}",
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.5555/unv.2024.7"},
    ]
    assert ld["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert ld["publisher"] == {"@type": "Organization", "name": people.ministry.name}


def test_the_page_cites_the_product_and_the_permalink_leads_to_it(client, session, people):
    product = _published_with_creators(session, people)

    page = client.get(f"/knowledge/{product.id}").get_data(as_text=True)
    assert (
        "Diallo, A., Nguyen, A. T., &amp; United Nations Volunteers. (2024). "
        "<i>Volunteer schemes in West Africa</i>. "
    ) in page
    assert "Diallo, Aminata, Anh Thu Nguyen, and United Nations Volunteers. 2024." in page
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in page
    assert f"https://portal.example.org/k/{product.id}" in page

    moved = client.get(f"/k/{product.id}")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(f"/knowledge/{product.id}")
    french = client.get(f"/knowledge/{product.id}", headers={"Accept-Language": "fr"})
    assert "Anh Thu Nguyen, et United Nations Volunteers" in french.get_data(as_text=True)


def test_citation_downloads_parse_back(client, session, people) -> None:
    product = _published_with_creators(session, people)

    bib = client.get(f"/knowledge/{product.id}/cite.bib")
    assert bib.mimetype == "application/x-bibtex"
    assert f'filename="unv-k{product.id}.bib"' in bib.headers["Content-Disposition"]
    (entry,) = bibtexparser.parse_string(bib.get_data(as_text=True)).entries
    assert entry.fields_dict["author"].value == (
        "Diallo, Aminata and Nguyen, Anh Thu and {United Nations Volunteers}"
    )
    (record,) = rispy.loads(client.get(f"/knowledge/{product.id}/cite.ris").get_data(as_text=True))
    assert record["authors"] == ["Diallo, Aminata", "Nguyen, Anh Thu", "United Nations Volunteers"]
    assert record["doi"] == "10.5555/unv.2024.7"
    csl = client.get(f"/knowledge/{product.id}/cite.csl")
    assert csl.mimetype == "application/vnd.citationstyles.csl+json"
    assert csl.get_json()[0]["author"][0] == {"family": "Diallo", "given": "Aminata"}
    assert client.get(f"/knowledge/{product.id}/cite.docx").status_code == 404


def test_an_unpublished_product_is_cited_to_no_visitor(client, session, people) -> None:
    product = make_product(session, people.ministry, status="submitted")
    session.commit()
    answer = client.get(f"/knowledge/{product.id}/cite.bib")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_oai_credits_creators_and_names_the_organisation_publisher(client, session, people):
    product = _published_with_creators(session, people)
    root = client.get(
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:portal.example.org:{product.id}"
    ).get_data(as_text=True)

    assert re.findall(r"<dc:creator>([^<]*)</dc:creator>", root) == [
        "Diallo, Aminata", "Nguyen, Anh Thu", "United Nations Volunteers"
    ]  # fmt: skip
    assert re.findall(r"<dc:publisher>([^<]*)</dc:publisher>", root) == [people.ministry.name]
    identifiers = re.findall(r"<dc:identifier>([^<]*)</dc:identifier>", root)
    assert identifiers == [
        f"https://portal.example.org/k/{product.id}", "https://doi.org/10.5555/unv.2024.7"
    ]  # fmt: skip
    assert "https://creativecommons.org/licenses/by/4.0/" in root


def test_staff_set_the_default_licence_and_new_products_get_it(login, people, session) -> None:
    staff = login(people.staff)
    page = staff.get("/knowledge/settings").get_data(as_text=True)
    assert 'name="default_licence"' in page

    saved = form_post(staff, "/knowledge/settings", {"default_licence": "CC-BY-SA-4.0"})
    assert saved.status_code == 302
    assert default_licence(session) == "CC-BY-SA-4.0"
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "knowledge.settings.changed")
    ).one()
    assert event.actor_id == people.staff.id
    assert event.details == {"setting": "default_licence", "before": None, "after": "CC-BY-SA-4.0"}
    session.rollback()  # SQLite: the portal's own writes wait for this test's read to end

    contributor = login(people.contributor)
    form = contributor.get("/knowledge/submit").get_data(as_text=True)
    assert re.search(r'<option selected value="CC-BY-SA-4.0">|value="CC-BY-SA-4.0" selected', form)
    form_post(contributor, "/knowledge/submit", {**FORM, "licence": "", "url": "https://e.org/x"})
    session.rollback()
    assert session.scalars(select(KnowledgeProduct.licence)).one() == "CC-BY-SA-4.0"
    session.rollback()
    refused = form_post(staff, "/knowledge/settings", {"default_licence": "MIT"})
    assert refused.status_code == 200 and default_licence(session) == "CC-BY-SA-4.0"


def test_the_import_reads_creators_doi_licence_and_file_details(
    runner, session, organisations, tmp_path: Path, files_dir: Path
) -> None:
    rows = [
        {**ROWS[0], "creators": "Odhiambo, Grace [0000-0002-1825-0097]; org: Kenya Red Cross",
         "doi": "https://doi.org/10.5555/ken.vnr", "licence": "cc-by-4.0",
         "themes": "youth; climate", "file_language": "sw", "file_edition": "v2"},
        {**ROWS[1], "creators": "", "doi": "", "licence": "", "themes": "",
         "file_language": "", "file_edition": ""},
    ]  # fmt: skip

    result = run_import(runner, write_csv(tmp_path / "products.csv", rows), files_dir)

    assert result.exit_code == 0, result.output
    kenya, guide = session.scalars(select(KnowledgeProduct).order_by(KnowledgeProduct.id))
    assert [c.sort_name for c in kenya.creators] == ["Odhiambo, Grace", "Kenya Red Cross"]
    assert kenya.creators[0].identifier == "0000-0002-1825-0097"
    assert (kenya.doi, kenya.licence, kenya.themes) == (
        "10.5555/ken.vnr", "CC-BY-4.0", ["youth", "climate"]
    )  # fmt: skip
    assert (kenya.files[0].language, kenya.files[0].edition) == ("sw", "v2")
    assert (guide.creators, guide.doi, guide.licence) == ((), None, None)


def test_the_import_refuses_bad_identifiers_by_line_and_column(
    runner, session, organisations, tmp_path: Path, people
) -> None:
    _published_with_creators(session, people)
    blank = {"creators": "", "doi": "", "licence": "", "themes": "", "file_language": "",
             "file_edition": "", "file": "", "url": "https://example.org/x"}  # fmt: skip
    rows = [
        {**ROWS[1], **blank, "creators": "Odhiambo, Grace [0000-0002-1825-0098]"},
        {**ROWS[1], **blank, "doi": "10.5555/UNV.2024.7"},
        {**ROWS[1], **blank, "doi": "10.5555/twice"},
        {**ROWS[1], **blank, "doi": "10.5555/twice"},
        {**ROWS[1], **blank, "licence": "WTFPL"},
        {**ROWS[1], **blank, "file_language": "xx"},
    ]
    before = count_rows(session, KnowledgeProduct)

    result = run_import(runner, write_csv(tmp_path / "bad.csv", rows))

    assert result.exit_code == 1
    assert "Line 2, column creators: Creator 1: 0000-0002-1825-0098" in result.output
    assert "Line 3, column doi: Another product already has the DOI 10.5555/UNV.2024.7" in (
        result.output
    )
    assert "Line 5, column doi: The DOI 10.5555/twice is already given on line 4." in result.output
    assert "Line 6, column licence: Unknown licence WTFPL." in result.output
    assert "Line 7, column file_language: Unknown language code xx" in result.output
    assert count_rows(session, KnowledgeProduct) == before
