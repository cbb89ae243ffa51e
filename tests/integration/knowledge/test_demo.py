"""The demo catalogue: a few dozen products in five languages with readable PDFs, loaded once."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from knowledge.demo import load_demo, minimal_pdf
from knowledge.file_checks import check_upload
from knowledge.models import KnowledgeProduct, ProductFile, SupportRecord
from portal.auth import accounts
from portal.demo import ORGANISATIONS
from tests.integration.knowledge.conftest import count_rows
from tests.worker_helpers import read_texts


@pytest.mark.slow  # the worker reads some 30 PDFs one after the other
def test_demo_catalogue_is_varied_readable_and_loaded_once(app, session) -> None:
    for code, name, kind, country in ORGANISATIONS:
        accounts.create_organisation(session, code, name, kind, country)

    load_demo(session, app)
    load_demo(session, app)
    session.commit()
    assert read_texts(app) >= 20  # the files' text is read by the worker, not by the loader

    items = session.scalars(select(KnowledgeProduct)).all()
    assert 30 <= len(items) <= 40
    assert {item.language for item in items} >= {"en", "fr", "es", "pt", "zh"}
    states = Counter(item.status for item in items)
    assert states["published"] > len(items) * 3 // 4
    assert states["submitted"] >= 2 and states["rejected"] >= 2
    flagged = {
        (i.product_type, i.volunteering_integrated)
        for i in items
        if i.product_type in ("vnr", "unsdcf")
    }
    assert flagged == {("vnr", True), ("vnr", False), ("unsdcf", True), ("unsdcf", False)}
    files = session.scalars(select(ProductFile)).all()
    assert len(files) >= 20
    assert {f.kind for f in files} == {"pdf"}
    assert all(f.text_status == "ok" and f.text for f in files)
    assert count_rows(session, SupportRecord) == 6


def test_generated_pdf_passes_the_upload_check(tmp_path) -> None:
    path = tmp_path / "demo.pdf"
    path.write_bytes(minimal_pdf("Título con acentos (y paréntesis)", ["Texto \\ con barra."]))

    checked = check_upload(path, "demo.pdf", 1024 * 1024)

    assert checked.kind == "pdf"
