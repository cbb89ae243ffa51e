"""Accepting uploaded files: content check, storage under a random name, text extraction, record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from knowledge.extraction import ExtractionResult, extract_text
from knowledge.files import (
    CheckedFile,
    check_upload,
    remove_stored,
    resolve_stored,
    store_file,
)
from knowledge.models import KnowledgeProduct, ProductFile, ProductRevision, enqueue_index
from knowledge.products import audit
from portal.models import User


@dataclass(frozen=True)
class AcceptedFile:
    """An upload that passed the checks, stored under `storage_key`, with its text read."""

    checked: CheckedFile
    storage_key: str
    extraction: ExtractionResult


def accept_upload(
    data_dir: Path, temporary: Path, original_name: str, *, max_bytes: int
) -> AcceptedFile:
    """Check an uploaded file by content, store it and read its text.

    Raises knowledge.files.UploadRejected (nothing stored) when the file is refused. The caller
    removes the stored file (`discard_upload`) if its transaction does not commit.
    """
    checked = check_upload(temporary, original_name, max_bytes)
    key = store_file(data_dir, temporary, checked)
    try:
        extraction = extract_text(resolve_stored(data_dir, key), checked.kind)
    except BaseException:
        remove_stored(data_dir, key)
        raise
    return AcceptedFile(checked, key, extraction)


def discard_upload(data_dir: Path, accepted: AcceptedFile) -> None:
    remove_stored(data_dir, accepted.storage_key)


def add_file(
    session: Session,
    actor: User | None,
    product: KnowledgeProduct,
    accepted: AcceptedFile,
    *,
    revision: ProductRevision | None = None,
) -> ProductFile:
    """Record an accepted file; a revision's file stays hidden until the revision is approved."""
    result = accepted.extraction
    product_file = ProductFile(
        product=product,
        revision=revision,
        storage_key=accepted.storage_key,
        original_name=accepted.checked.safe_name,
        kind=accepted.checked.kind,
        mime=accepted.checked.mime,
        size=accepted.checked.size,
        sha256=accepted.checked.sha256,
        text_status=result.status,
        text_note=result.note,
        text=result.text if result.readable else None,
        uploaded_by_id=actor.id if actor else None,
    )
    session.add(product_file)
    session.flush()
    audit(
        session,
        actor,
        "file.added",
        product.id,
        file_id=product_file.id,
        text_status=result.status,
        revision_id=revision.id if revision else None,
    )
    enqueue_index(session, product.id)
    return product_file
