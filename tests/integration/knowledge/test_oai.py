"""OAI-PMH 2.0 at /oai: harvests with resumption tokens, deleted records, every protocol error,
and every answer valid against the OAI-PMH and oai_dc schemas."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from defusedxml import ElementTree as DET
from sqlalchemy import update

from knowledge import moderation, oai
from knowledge.models import KnowledgeProduct
from portal.db import utcnow
from tests.integration.knowledge.conftest import make_product

SCHEMAS = Path(__file__).resolve().parents[2] / "data" / "oai-schemas"
NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
OAI_SCHEMA = xmlschema.XMLSchema(SCHEMAS / "OAI-PMH.xsd")
DC_SCHEMA = xmlschema.XMLSchema(SCHEMAS / "oai_dc.xsd")


def harvest(client, **args: str) -> ET.Element:
    """The answer to a GET request, checked against both schemas."""
    response = client.get("/oai", query_string=args)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    body = response.get_data()
    OAI_SCHEMA.validate(body)
    root = DET.fromstring(body)
    for metadata in root.iterfind(".//o:metadata", NS):
        DC_SCHEMA.validate(ET.tostring(metadata[0]))
    return root


def error_code(root: ET.Element) -> str | None:
    found = root.find("o:error", NS)
    return None if found is None else found.get("code")


@pytest.fixture
def catalogue(session, people, monkeypatch) -> dict[str, list[int]]:
    """25 published products (three pages of ten), one withdrawn, one submitted, one rejected."""
    monkeypatch.setattr(oai, "PAGE_SIZE", 10)
    published = [make_product(session, people.ministry).id for _ in range(24)]
    policy = make_product(session, people.ministry, product_type="policy_brief")
    gone = make_product(session, people.ngo)
    moderation.withdraw(session, people.staff, gone, "Superseded.")
    make_product(session, people.ministry, status="submitted")
    make_product(session, people.ministry, status="rejected")
    session.commit()
    return {"published": [*published, policy.id], "withdrawn": [gone.id], "policy": [policy.id]}


def _identifiers(root: ET.Element) -> list[tuple[int, str | None]]:
    return [
        (int(header.findtext("o:identifier", "", NS).rsplit(":", 1)[1]), header.get("status"))
        for header in root.iterfind(".//o:header", NS)
    ]


def test_a_harvest_with_resumption_tokens_returns_exactly_the_published(client, catalogue) -> None:
    seen: list[tuple[int, str | None]] = []
    root = harvest(client, verb="ListRecords", metadataPrefix="oai_dc")
    pages = 1
    while True:
        seen += _identifiers(root)
        token = root.find(".//o:resumptionToken", NS)
        if token is None or not token.text:
            break
        assert token.get("completeListSize") == "26"
        root = harvest(client, verb="ListRecords", resumptionToken=token.text)
        pages += 1
    assert pages == 3
    assert sorted(i for i, status in seen if status is None) == sorted(catalogue["published"])
    assert [i for i, status in seen if status == "deleted"] == catalogue["withdrawn"]
    assert len(seen) == len(set(seen))


def test_a_record_carries_its_dublin_core(client, session, people) -> None:
    product = make_product(session, people.ministry, title="Volunteer laws", language="es")
    session.commit()
    identifier = f"oai:portal.example.org:{product.id}"
    root = harvest(client, verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
    dc = {e.tag.split("}")[1]: e.text for e in root.iterfind(".//dc:*", NS)}
    assert dc["title"] == "Volunteer laws" and dc["language"] == "es"
    assert dc["creator"] == people.ministry.name
    assert dc["identifier"] == f"https://portal.example.org/k/{product.id}"  # the permanent link
    assert dc["coverage"] == "Ecuador"
    assert root.find(".//dc:title", NS).get("{http://www.w3.org/XML/1998/namespace}lang") == "es"


def test_sets_and_dates_select_records(client, session, catalogue) -> None:
    root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="type:policy_brief")
    assert _identifiers(root) == [(catalogue["policy"][0], None)]
    sets = harvest(client, verb="ListSets")
    assert "type:policy_brief" in [s.text for s in sets.iterfind(".//o:setSpec", NS)]
    old = utcnow() - timedelta(days=400)
    session.execute(
        update(KnowledgeProduct)
        .where(KnowledgeProduct.id == catalogue["policy"][0])
        .values(updated_at=old)
    )
    session.commit()
    day = old.date().isoformat()
    root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until=day)
    assert _identifiers(root) == [(catalogue["policy"][0], None)]
    root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": day,
                   "until": day})  # fmt: skip
    assert len(_identifiers(root)) == 1
    identify = harvest(client, verb="Identify")
    assert identify.findtext(".//o:earliestDatestamp", "", NS).startswith(day)
    assert identify.findtext(".//o:deletedRecord", "", NS) == "persistent"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-40"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-01-01",
                "until": "2024-01-01T00:00:00Z",
            },
            "badArgument",
        ),  # fmt: skip
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:portal.example.org:999999",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),  # fmt: skip
        (
            {"verb": "GetRecord", "identifier": "oai:elsewhere:1", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),  # fmt: skip
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "type:nothing"},
            "noRecordsMatch",
        ),  # fmt: skip
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "t", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),  # fmt: skip
    ],
)
def test_each_protocol_error_is_answered_with_its_code(client, args, code) -> None:
    root = harvest(client, **args)
    assert error_code(root) == code
    request = root.find("o:request", NS)
    if code in ("badVerb", "badArgument"):
        assert request.attrib == {}  # the request is echoed without its arguments


def test_a_repeated_argument_and_a_token_of_another_verb_are_refused(client, catalogue) -> None:
    repeated = client.get("/oai?verb=ListSets&verb=ListSets").get_data()
    assert error_code(DET.fromstring(repeated)) == "badVerb"
    listed = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = listed.find(".//o:resumptionToken", NS).text
    assert error_code(harvest(client, verb="ListRecords", resumptionToken=token)) == (
        "badResumptionToken"
    )


def test_harvesters_may_post(client, catalogue) -> None:
    response = client.post("/oai", data={"verb": "Identify"})
    assert response.status_code == 200
    OAI_SCHEMA.validate(response.get_data())
