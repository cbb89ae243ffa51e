"""`/api/v1/openapi.json` is a valid OpenAPI 3.1 document describing every JSON endpoint, and a
property run driven by it (every operation, every parameter, values in and far out of range) gets no
5xx on SQLite or PostgreSQL; every error is JSON and every 200 matches its documented schema."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from portal.auth import tokens
from tests.integration.knowledge.conftest import make_product, people  # noqa: F401 - fixture
from tests.integration.search.conftest import run_indexer

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "99999999999999999999",
        "-1",
        "0",
        "1e9",
        "NaN",
        "2025.5",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\u202eevil",
        "\x00",
        "\x1b[31m",
        "水" * 600,
        "%00",
        "../../etc/passwd",
    ]
)


def _flask_path(path: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def _document(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi_3_1_and_lists_every_json_endpoint(app, client) -> None:
    doc = _document(client)
    validate(doc)  # raises on any violation of the OpenAPI 3.1 schema
    assert doc["openapi"] == "3.1.0"
    routes = {
        _flask_path(rule.rule).removeprefix("/api/v1")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.api_docs"
    }
    assert routes == set(doc["paths"])
    assert {"/health", "/indicators", "/knowledge/search", "/knowledge/products/{product_id}"} <= (
        routes
    )


def test_the_docs_page_shows_every_operation(client) -> None:
    page = client.get("/api/v1/docs", headers={"Accept-Language": "fr"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "GET /api/v1/knowledge/search" in text and "GET /api/v1/indicators" in text
    assert "Paramètres" in text


def _value(schema: dict[str, Any], hostile: bool) -> st.SearchStrategy[str]:
    """A valid value of the schema or, when `hostile`, maybe one far out of it."""
    kind = schema.get("type")
    if "enum" in schema:
        valid = st.sampled_from([str(value) for value in schema["enum"]])
    elif kind == "integer":
        low, high = schema.get("minimum", -(2**31)), schema.get("maximum", 2**31)
        valid = st.integers(low, high).map(str)
        if hostile:
            valid = st.integers(low - 2, high + 2).map(str)
    elif kind == "array":
        return _value(schema["items"], hostile)
    elif "pattern" in schema:
        valid = st.from_regex(schema["pattern"], fullmatch=True)
    else:
        valid = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=40)
    return st.one_of(valid, HOSTILE_TEXT, st.integers().map(str)) if hostile else valid


def _operations(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, item["get"]) for path, item in doc["paths"].items() if "get" in item]


def _request(draw, doc: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    path, operation = draw(st.sampled_from(_operations(doc)))
    hostile = draw(st.booleans())
    query: list[tuple[str, str]] = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            value = draw(_value(parameter["schema"], hostile))
            path = path.replace("{" + parameter["name"] + "}", value.replace("/", "%2F") or "x")
        elif draw(st.booleans()):
            repeats = draw(st.integers(1, 3)) if parameter["schema"].get("type") == "array" else 1
            query += [
                (parameter["name"], draw(_value(parameter["schema"], hostile)))
                for _ in range(repeats)
            ]
    url = "/api/v1" + path + ("?" + urlencode(query) if query else "")
    return url, path, operation


def _checker(doc: dict[str, Any]):
    registry = Registry().with_resource(
        "urn:api", Resource.from_contents(doc, default_specification=DRAFT202012)
    )

    def check(operation: dict[str, Any], status: int, body: Any) -> None:
        documented = operation["responses"].get(str(status))
        assert documented is not None, f"undocumented status {status}"
        schema = documented["content"]["application/json"]["schema"]
        if "$ref" in schema:
            schema = {"$ref": "urn:api" + schema["$ref"]}
        Draft202012Validator(schema, registry=registry).validate(body)

    return check


def test_a_property_run_over_the_document_gets_no_5xx(app, client, session, people) -> None:  # noqa: F811
    for n in range(3):
        make_product(session, people.ministry, title=f"Volunteer report {n}")
    session.commit()
    run_indexer(app)
    bearer = tokens.create_api_token(session, None, people.staff, "fuzz")
    session.commit()
    doc = _document(client)
    check = _checker(doc)
    seen: dict[int, int] = {}

    @settings(
        max_examples=250,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def one_request(data) -> None:
        url, _path, operation = _request(data.draw, doc)
        headers = {"Authorization": f"Bearer {bearer}"} if operation.get("security") else {}
        response = client.get(url, headers=headers)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, url
        assert response.is_json, url
        check(operation, response.status_code, response.get_json())

    one_request()
    print(f"property run: {sum(seen.values())} requests, by status {dict(sorted(seen.items()))}")
    assert sum(seen.values()) >= 250
    assert seen.get(200, 0) > 20 and seen.get(400, 0) > 20, seen
    assert not [status for status in seen if status >= 500], seen
