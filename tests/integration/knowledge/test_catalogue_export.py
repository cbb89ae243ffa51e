"""The catalogue's metadata in bulk: CSV safe in a spreadsheet, JSON as the product API."""

from __future__ import annotations

import csv
import io

from tests.integration.knowledge.conftest import make_product


def test_the_catalogue_exports_exactly_the_published_products(client, session, people) -> None:
    shown = make_product(session, people.ministry, title="=HYPERLINK(1)", sdgs=(4, 8))
    other = make_product(session, people.ngo, title="Volontariat", language="fr")
    make_product(session, people.ministry, status="submitted")
    make_product(session, people.ministry, status="rejected")
    session.commit()
    response = client.get("/knowledge/catalogue.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(row["id"]) for row in rows] == [shown.id, other.id]
    assert rows[0]["title"].startswith("'=")  # a formula stays text
    assert rows[0]["sdgs"] == "4;8" and rows[0]["countries"] == "ECU"
    assert rows[0]["url"].endswith(f"/knowledge/{shown.id}")
    body = client.get("/knowledge/catalogue.json").get_json()
    assert body["metadata_licence"] == "CC0-1.0"
    assert [item["id"] for item in body["products"]] == [shown.id, other.id]
    api = client.get(f"/api/v1/knowledge/products/{other.id}").get_json()
    assert {**api, "page": body["products"][1]["page"]} == body["products"][1]
