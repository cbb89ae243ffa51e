"""An upload's text is read by the worker, not in the request; users see it is being read, and the
product is found by a word of its text once a worker round has run."""

from __future__ import annotations

import io
import subprocess

import pytest
from sqlalchemy import select

from knowledge.demo import minimal_pdf
from knowledge.models import KnowledgeProduct, ProductFile
from portal.background import run_round
from tests.integration.knowledge.conftest import form_post, make_product, reread
from tests.integration.search.conftest import closed, titles

PENDING_NOTE = "The text of this file is being read; it will be searchable shortly."
FORM = {
    "title": "Coastal monitoring report",
    "abstract": "What volunteers observed along the coast.",
    "product_type": "report",
    "language": "en",
    "publication_date": "2024-12-01",
    "action": "submit",
}


def _no_subprocess(*args: object, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    raise AssertionError("text was extracted inside the request")


def test_upload_answers_without_reading_text_and_a_worker_round_makes_it_searchable(
    app, client, session, people, login, index, search, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = minimal_pdf("Annual report", ["Volunteers counted zooplankton in every bay."])
    contributor, staff = login(people.contributor), login(people.staff)
    monkeypatch.setattr("knowledge.extraction.subprocess.run", _no_subprocess)

    response = form_post(
        contributor, "/knowledge/submit", {**FORM, "file": (io.BytesIO(pdf), "report.pdf")}
    )

    assert response.status_code == 302
    reread(session)
    product_id = session.scalars(select(KnowledgeProduct.id)).one()
    stored = session.scalars(select(ProductFile)).one()
    assert (stored.text_status, stored.text) == ("pending", None)
    review_page = staff.get(f"/knowledge/review/{product_id}").get_data(as_text=True)
    assert PENDING_NOTE in review_page
    closed(
        form_post(
            staff,
            f"/knowledge/{product_id}/publish",
            {},
            form_url=f"/knowledge/review/{product_id}",
        )
    )
    assert search(q="zooplankton")["total"] == 0  # published, its text not read yet
    assert PENDING_NOTE in client.get(f"/knowledge/{product_id}").get_data(as_text=True)
    payload = client.get(f"/api/v1/knowledge/products/{product_id}").get_json()
    assert [file["text_status"] for file in payload["files"]] == ["pending"]

    monkeypatch.undo()
    done = run_round(app)

    assert done["extraction"] == 1
    found = search(q="zooplankton")
    assert titles(found) == [FORM["title"]]
    page = client.get(f"/knowledge/{product_id}").get_data(as_text=True)
    assert PENDING_NOTE not in page and "report.pdf" in page
    payload = client.get(f"/api/v1/knowledge/products/{product_id}").get_json()
    assert [file["text_status"] for file in payload["files"]] == ["ok"]


def test_a_revision_file_is_read_by_the_worker_and_staff_see_it_pending_meanwhile(
    app, session, people, login, index, search, monkeypatch: pytest.MonkeyPatch
) -> None:
    contributor, staff = login(people.contributor), login(people.staff)
    product_id = make_product(
        session, people.ministry, actor=people.contributor, title=FORM["title"]
    ).id
    session.commit()
    pdf = minimal_pdf("Annex", ["Annex on seagrass restoration by volunteers."])
    monkeypatch.setattr("knowledge.extraction.subprocess.run", _no_subprocess)
    edit = {**FORM, "action": "save", "file": (io.BytesIO(pdf), "annex.pdf")}
    assert form_post(contributor, f"/knowledge/{product_id}/edit", edit).status_code == 302
    monkeypatch.undo()
    reread(session)
    revision = session.get(KnowledgeProduct, product_id).pending_revision  # type: ignore[union-attr]
    assert revision is not None and [f.text_status for f in revision.files] == ["pending"]
    assert PENDING_NOTE in staff.get(f"/knowledge/revisions/{revision.id}").get_data(as_text=True)

    assert run_round(app)["extraction"] == 1
    assert search(q="seagrass")["total"] == 0  # read, but the revision is not approved yet
    closed(
        form_post(
            staff, f"/knowledge/revisions/{revision.id}/approve", {}, form_url="/knowledge/review"
        )
    )
    assert [result["id"] for result in search(q="seagrass")["results"]] == [product_id]
