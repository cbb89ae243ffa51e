"""Every sample PDF (py-pdf sample files) is accepted through the form; unreadable text is noted."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from knowledge.models import ProductFile
from tests.integration.knowledge.conftest import SAMPLE_PDFS, form_post, reread
from tests.worker_helpers import read_texts

PDFS = sorted(SAMPLE_PDFS.glob("*.pdf"))
ENCRYPTED = {
    Path(entry["path"]).name
    for entry in json.loads((SAMPLE_PDFS / "files.json").read_text())["data"]
    if entry["encrypted"]
}
FORM = {
    "title": "Sample document",
    "abstract": "One of the sample PDFs.",
    "product_type": "other",
    "language": "en",
    "publication_date": "2023-05-05",
    "action": "submit",
}


def test_the_sample_set_is_complete() -> None:
    assert len(PDFS) == 27
    assert ENCRYPTED == {"libreoffice-writer-password.pdf"}


@pytest.mark.parametrize("pdf", PDFS, ids=[path.stem for path in PDFS])
def test_sample_pdf_is_accepted_with_its_text_or_a_note(
    app, login, people, session, pdf: Path
) -> None:
    client = login(people.contributor)

    response = form_post(
        client, "/knowledge/submit", {**FORM, "file": (io.BytesIO(pdf.read_bytes()), pdf.name)}
    )

    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    stored = session.scalars(select(ProductFile)).one()
    assert stored.kind == "pdf"
    assert stored.size == pdf.stat().st_size
    assert stored.text_status == "pending"
    assert read_texts(app) == 1
    reread(session)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    if pdf.name in ENCRYPTED:
        assert stored.text_status == "encrypted"
        assert stored.text is None
        assert "could not be read because it is password-protected" in page
    elif stored.text_status == "ok":
        assert stored.text and stored.text.strip()
    else:
        # Never an empty text indexed as if read: a status other than ok carries a note.
        assert stored.text is None
        assert stored.text_status in ("empty", "unreadable", "timeout", "too_large")
        assert stored.text_note and str(escape(stored.text_note)) in page
