"""Downloads: by database id, as an attachment with a safe name and nosniff, counted, checked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from knowledge import uploads
from knowledge.demo import minimal_pdf
from knowledge.file_storage import remove_stored
from knowledge.models import KnowledgeProduct, ProductFile
from tests.integration.knowledge.conftest import form_post, make_product, reread


def _attach(session, data_dir: Path, product: KnowledgeProduct, name: str) -> ProductFile:
    source = data_dir / "source.pdf"
    data_dir.mkdir(parents=True, exist_ok=True)
    source.write_bytes(minimal_pdf("Download me", ["Text of the file."]))
    accepted = uploads.accept_upload(data_dir, source, name, max_bytes=1024 * 1024)
    return uploads.add_file(session, None, product, accepted)


def _download(client: FlaskClient, product_id: int, file_id: int) -> tuple[TestResponse, bytes]:
    response = client.get(f"/knowledge/{product_id}/files/{file_id}")
    body = response.get_data()
    response.close()
    return response, body


def test_download_is_an_attachment_with_a_safe_name_and_nosniff(
    client, session, people, data_dir: Path
) -> None:
    product = make_product(session, people.ministry)
    stored = _attach(session, data_dir, product, "Informe anual 2024.pdf")
    session.commit()

    response, body = _download(client, product.id, stored.id)

    assert response.status_code == 200
    assert body.startswith(b"%PDF-1.4")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "Informe anual 2024.pdf" in disposition or "Informe%20anual%202024.pdf" in disposition
    reread(session)
    assert session.get(KnowledgeProduct, product.id).download_count == 1


def test_file_name_with_quotes_and_control_characters_is_sanitised(
    login, people, session, pdf_bytes: bytes
) -> None:
    client = login(people.contributor)
    form_post(client, "/knowledge/submit", {
        "title": "Odd name", "abstract": "x", "product_type": "report", "language": "en",
        "publication_date": "2024-01-01", "file": (io.BytesIO(pdf_bytes), 'a"b\r\nc;d\u202e.pdf'),
    })  # fmt: skip

    stored = session.scalars(select(ProductFile)).one()
    assert "\r" not in stored.original_name and "\n" not in stored.original_name
    assert "\u202e" not in stored.original_name and '"' not in stored.original_name
    response, _body = _download(client, stored.product_id, stored.id)
    assert "\r" not in response.headers["Content-Disposition"]


def test_unpublished_products_file_is_for_its_organisation_and_staff_only(
    app, login, people, session, data_dir: Path
) -> None:
    product = make_product(session, people.ministry, status="submitted")
    stored = _attach(session, data_dir, product, "draft.pdf")
    session.commit()

    own, _ = _download(login(people.contributor), product.id, stored.id)
    staff, _ = _download(login(people.staff), product.id, stored.id)
    other, _ = _download(login(people.other_contributor), product.id, stored.id)
    anonymous, _ = _download(app.test_client(), product.id, stored.id)

    assert (own.status_code, staff.status_code, other.status_code) == (200, 200, 403)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    reread(session)
    assert session.get(KnowledgeProduct, product.id).download_count == 0


@pytest.mark.parametrize("file_id", ["other-product", "missing"])
def test_file_is_served_only_by_its_own_products_id(
    client, session, people, data_dir: Path, file_id: str
) -> None:
    product = make_product(session, people.ministry)
    other = make_product(session, people.ministry)
    stored = _attach(session, data_dir, other, "other.pdf")
    session.commit()

    wanted = stored.id if file_id == "other-product" else stored.id + 100
    response, _ = _download(client, product.id, wanted)

    assert response.status_code == 404


def test_missing_stored_file_gives_404_not_500(client, session, people, data_dir: Path) -> None:
    product = make_product(session, people.ministry)
    stored = _attach(session, data_dir, product, "gone.pdf")
    session.commit()
    remove_stored(data_dir, stored.storage_key)

    response, _ = _download(client, product.id, stored.id)

    assert response.status_code == 404
