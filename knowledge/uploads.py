"""Files of knowledge products: accept an upload (spool, check, store) and record it.

A stored file belongs to the transaction that accepted it: it is removed again unless that
transaction commits, whichever door (form, import, demo) sent it. Its text is not read here: the
file is recorded with text status "pending", and the worker reads it once the transaction has
committed (knowledge.text_queue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from knowledge.extraction import NOTE_PENDING, PENDING
from knowledge.file_checks import check_upload
from knowledge.file_rules import CheckedFile, UploadRejected
from knowledge.file_storage import remove_stored, spooled, store_file
from knowledge.models import (
    PRODUCT_AUDIT_TYPE,
    KnowledgeProduct,
    ProductFile,
    ProductRevision,
    enqueue_index,
)
from knowledge.product_input import product_languages
from portal import audit
from portal.errors import FieldError
from portal.markers import N_
from portal.models import User

_STORED = "knowledge_stored_files"
MAX_EDITION = 60


@dataclass(frozen=True)
class FileStore:
    """Where accepted files are stored and how large an upload may be."""

    data_dir: Path
    max_bytes: int

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> FileStore:
        """The store configured by PORTAL_DATA_DIR and PORTAL_MAX_UPLOAD_MB."""
        return cls(Path(config["PORTAL_DATA_DIR"]), int(config["PORTAL_MAX_UPLOAD_MB"]) * 1024**2)


@dataclass(frozen=True)
class IncomingFile:
    """A file given with a product: its name as sent, its bytes (a stream or a file on disk)."""

    store: FileStore
    name: str
    source: IO[bytes] | Path
    edition: str | None = None
    language: str | None = None  # None: the product's language


@dataclass(frozen=True)
class AcceptedFile:
    """An upload that passed the checks, stored under `storage_key` (its text not read yet)."""

    checked: CheckedFile
    storage_key: str
    edition: str | None = None
    language: str | None = None


def accept_upload(
    data_dir: Path, temporary: Path, original_name: str, *, max_bytes: int
) -> AcceptedFile:
    """Check a file on disk by content and store a copy.

    Raises UploadRejected (nothing stored) when the file is refused. The caller removes the
    stored copy (`discard_upload`) if its transaction does not commit; `accept` does that itself.
    """
    checked = check_upload(temporary, original_name, max_bytes)
    return AcceptedFile(checked, store_file(data_dir, temporary, checked))


def discard_upload(data_dir: Path, accepted: AcceptedFile) -> None:
    remove_stored(data_dir, accepted.storage_key)


def accept(session: Session, incoming: IncomingFile) -> AcceptedFile:
    """Check and store an incoming file, kept only if `session`'s transaction commits.

    A stream (a form's upload) is spooled to a private temporary file first, removed afterwards.
    Raises FieldError on the "file" field when the file is refused; nothing is stored then.
    """
    store = incoming.store
    edition, language = file_details(incoming.edition, incoming.language)
    try:
        if isinstance(incoming.source, Path):
            accepted = accept_upload(
                store.data_dir, incoming.source, incoming.name, max_bytes=store.max_bytes
            )
        else:
            with spooled(store.data_dir, incoming.source) as temporary:
                accepted = accept_upload(
                    store.data_dir, temporary, incoming.name, max_bytes=store.max_bytes
                )
    except UploadRejected as rejected:
        raise FieldError("file", rejected.message, **rejected.params) from None
    remove_unless_committed(session, store.data_dir, accepted)
    return replace(accepted, edition=edition, language=language)


def file_details(edition: str | None, language: str | None) -> tuple[str | None, str | None]:
    """The file's edition and language, checked: (None, None) when neither is given."""
    edition = " ".join((edition or "").split()) or None
    if edition is not None and len(edition) > MAX_EDITION:
        raise FieldError(
            "file_edition", N_("The edition is longer than %(max)s characters."), max=MAX_EDITION
        )
    language = (language or "").strip().lower() or None
    if language is not None and language not in product_languages():
        raise FieldError(
            "file_language", N_("Unknown language code %(value)s (ISO 639-1)."), value=language
        )
    return edition, language


def add_file(
    session: Session,
    actor: User | None,
    product: KnowledgeProduct,
    accepted: AcceptedFile,
    *,
    revision: ProductRevision | None = None,
) -> ProductFile:
    """Record an accepted file; a revision's file stays hidden until the revision is approved.

    The file's text is "pending": the row itself is the worker's to-do item, so it exists if and
    only if this transaction commits.
    """
    product_file = ProductFile(
        product=product,
        revision=revision,
        storage_key=accepted.storage_key,
        original_name=accepted.checked.safe_name,
        kind=accepted.checked.kind,
        mime=accepted.checked.mime,
        size=accepted.checked.size,
        sha256=accepted.checked.sha256,
        edition=accepted.edition,
        language=accepted.language,
        text_status=PENDING,
        text_note=NOTE_PENDING,
        text=None,
        uploaded_by_id=actor.id if actor else None,
    )
    session.add(product_file)
    session.flush()
    audit.record(
        session,
        actor,
        "knowledge.file.added",
        PRODUCT_AUDIT_TYPE,
        product.id,
        file_id=product_file.id,
        text_status=PENDING,
        revision_id=revision.id if revision else None,
    )
    enqueue_index(session, product.id)
    return product_file


def remove_unless_committed(session: Session, data_dir: Path, accepted: AcceptedFile) -> None:
    """Remove the stored copy when `session`'s transaction ends without a commit."""
    if not event.contains(session, "after_commit", _kept):
        event.listen(session, "after_commit", _kept)
        event.listen(session, "after_transaction_end", _ended)
    session.info.setdefault(_STORED, []).append((data_dir, accepted.storage_key))


def _kept(session: Session) -> None:
    # Releasing a savepoint also reports a commit; only the outer transaction's commit keeps files.
    if not session.in_nested_transaction():
        session.info.pop(_STORED, None)


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        for data_dir, key in session.info.pop(_STORED, []):
            remove_stored(data_dir, key)
