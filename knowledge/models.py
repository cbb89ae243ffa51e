"""Knowledge products, their files and revisions, the technical-support register and the outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from knowledge.creators import Creator
from knowledge.extraction import PENDING, STATUSES
from knowledge.file_rules import KINDS
from portal.db import Base, UTCDateTime, utcnow
from portal.models import Organisation, User

PRODUCT_TYPES = (
    "research",
    "report",
    "case_study",
    "policy_brief",
    "toolkit",
    "legislation",
    "vnr",
    "unsdcf",
    "other",
)
# Only these report whether volunteering is integrated (indicators 3.1 and 3.2).
FLAGGED_TYPES = ("vnr", "unsdcf")
PRODUCT_STATES = ("draft", "submitted", "published", "rejected", "withdrawn")
REVISION_STATES = ("pending", "approved", "rejected")
FILE_KINDS = KINDS
# A file's text is read by the worker after the upload commits (knowledge.text_queue).
TEXT_STATUSES = (PENDING, *STATUSES)
RECIPIENT_KINDS = ("unct", "un_entity", "member_state")
SUPPORT_PROCESSES = ("cca_unsdcf", "national_policy")
OUTBOX_ACTIONS = ("upsert", "delete")
USAGE_KINDS = ("view", "download")
CREATOR_KINDS = ("person", "organisation")
# The object_type of the audit rows about a product, its files and its revisions.
PRODUCT_AUDIT_TYPE = "knowledge_product"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class KnowledgeProduct(Base):
    """A knowledge product on volunteering; only published ones are public and counted."""

    __tablename__ = "knowledge_product"
    __table_args__ = (
        CheckConstraint(_in("product_type", PRODUCT_TYPES), name="product_type_known"),
        CheckConstraint(_in("status", PRODUCT_STATES), name="status_known"),
        CheckConstraint("length(language) = 2", name="language_iso639_1"),
        CheckConstraint(
            f"volunteering_integrated IS NULL OR {_in('product_type', FLAGGED_TYPES)}",
            name="flag_only_for_vnr_unsdcf",
        ),
        CheckConstraint(
            "status <> 'rejected' OR rejection_reason IS NOT NULL", name="rejection_has_reason"
        ),
        CheckConstraint(
            "status <> 'published' OR published_at IS NOT NULL", name="published_has_date"
        ),
        CheckConstraint("view_count >= 0 AND download_count >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    product_type: Mapped[str] = mapped_column(String(20), index=True)
    language: Mapped[str] = mapped_column(String(2), index=True)
    publication_date: Mapped[date] = mapped_column(Date, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    url: Mapped[str | None] = mapped_column(String(500))
    licence: Mapped[str | None] = mapped_column(String(40))  # an SPDX id (knowledge.identifiers)
    doi: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)
    volunteering_integrated: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(12), default="submitted", index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    download_count: Mapped[int] = mapped_column(Integer, default=0)

    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    country_links: Mapped[list[ProductCountry]] = relationship(
        cascade="all, delete-orphan", order_by="ProductCountry.country"
    )
    sdg_links: Mapped[list[ProductSdg]] = relationship(
        cascade="all, delete-orphan", order_by="ProductSdg.sdg"
    )
    creator_rows: Mapped[list[ProductCreator]] = relationship(
        cascade="all, delete-orphan", order_by="ProductCreator.position"
    )
    files: Mapped[list[ProductFile]] = relationship(
        back_populates="product", order_by="ProductFile.id"
    )
    revisions: Mapped[list[ProductRevision]] = relationship(
        back_populates="product", order_by="ProductRevision.id"
    )

    @property
    def countries(self) -> list[str]:
        return [link.country for link in self.country_links]

    @property
    def sdgs(self) -> list[int]:
        return [link.sdg for link in self.sdg_links]

    @property
    def creators(self) -> tuple[Creator, ...]:
        """Persons and organisations credited, in order; none given means the organisation."""
        return tuple(row.creator for row in self.creator_rows)

    @property
    def public_files(self) -> list[ProductFile]:
        """Files of the product itself; those of a pending or rejected revision are held back."""
        return [file for file in self.files if file.revision_id is None]

    @property
    def pending_revision(self) -> ProductRevision | None:
        return next((rev for rev in self.revisions if rev.state == "pending"), None)


class ProductCountry(Base):
    __tablename__ = "knowledge_product_country"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_product.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)


class ProductSdg(Base):
    __tablename__ = "knowledge_product_sdg"
    __table_args__ = (CheckConstraint("sdg BETWEEN 1 AND 17", name="sdg_1_to_17"),)

    product_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_product.id", ondelete="CASCADE"), primary_key=True
    )
    sdg: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class ProductCreator(Base):
    """One creator of a product, at its place in the list (knowledge.creators.Creator)."""

    __tablename__ = "knowledge_product_creator"
    __table_args__ = (
        CheckConstraint(_in("kind", CREATOR_KINDS), name="kind_known"),
        CheckConstraint("kind = 'person' OR given_name = ''", name="given_name_of_person"),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_product.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(200), default="")
    # ORCID iD of a person, ROR id of an organisation, checked by their check digits.
    identifier: Mapped[str | None] = mapped_column(String(40))

    @property
    def creator(self) -> Creator:
        if self.kind == "organisation":
            return Creator("organisation", self.name, "", self.identifier)
        return Creator("person", self.name, self.given_name, self.identifier)


class ProductRevision(Base):
    """A contributor's edit of a published product, held apart until staff approve it."""

    __tablename__ = "knowledge_product_revision"
    __table_args__ = (
        CheckConstraint(_in("state", REVISION_STATES), name="state_known"),
        CheckConstraint(
            "state <> 'rejected' OR rejection_reason IS NOT NULL", name="rejection_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_product.id", ondelete="CASCADE"), index=True
    )
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The proposed metadata, in the JSON form of products.ProductInput.to_json().
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    product: Mapped[KnowledgeProduct] = relationship(back_populates="revisions")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    files: Mapped[list[ProductFile]] = relationship(
        back_populates="revision", order_by="ProductFile.id"
    )


class ProductFile(Base):
    """An uploaded file: stored under a random key, described by its checked type and hash."""

    __tablename__ = "knowledge_product_file"
    __table_args__ = (
        CheckConstraint(_in("kind", FILE_KINDS), name="kind_known"),
        CheckConstraint(_in("text_status", TEXT_STATUSES), name="text_status_known"),
        # Text that could not be read is never stored as if it had been read.
        CheckConstraint("text_status = 'ok' OR text IS NULL", name="text_only_when_read"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_product.id", ondelete="CASCADE"), index=True
    )
    # Set while the file belongs to a revision that is not approved (yet). CASCADE, not SET NULL:
    # losing the revision must never make its unreviewed file public.
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_product_revision.id", ondelete="CASCADE")
    )
    storage_key: Mapped[str] = mapped_column(String(40), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(5))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # The file's own edition and language (a translation may be in another language than the
    # record); no language given means the product's.
    edition: Mapped[str | None] = mapped_column(String(60))
    language: Mapped[str | None] = mapped_column(String(2))
    text_status: Mapped[str] = mapped_column(String(12), index=True)
    text_note: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str | None] = mapped_column(Text)
    # The worker's lease on a pending file while it reads the text (see knowledge.text_queue).
    text_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    text_claim_token: Mapped[str | None] = mapped_column(String(32))
    text_claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    product: Mapped[KnowledgeProduct] = relationship(back_populates="files")
    revision: Mapped[ProductRevision | None] = relationship(back_populates="files")


class SupportRecord(Base):
    """Technical support UNV gave to a UN country team, UN entity or member state (3.2.1, 3.2.2)."""

    __tablename__ = "knowledge_support_record"
    __table_args__ = (
        CheckConstraint(_in("recipient_kind", RECIPIENT_KINDS), name="recipient_kind_known"),
        CheckConstraint(_in("process", SUPPORT_PROCESSES), name="process_known"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        # A country team and a member state are identified by their country, a UN entity by its
        # organisation: without these a recipient could not be counted once.
        CheckConstraint(
            "recipient_kind = 'un_entity' OR recipient_country IS NOT NULL",
            name="country_for_unct_and_state",
        ),
        CheckConstraint(
            "recipient_kind <> 'un_entity' OR recipient_organisation_id IS NOT NULL",
            name="organisation_for_un_entity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(15))
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    recipient_country: Mapped[str | None] = mapped_column(String(3))
    year: Mapped[int] = mapped_column(Integer, index=True)
    process: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recipient_organisation: Mapped[Organisation | None] = relationship()


class current_txid(FunctionElement[int]):  # noqa: N801 - named like the SQL functions it stands for
    """The inserting transaction's id: ``pg_current_xact_id()`` on PostgreSQL, 0 on SQLite (whose
    writers take turns, so outbox ids already follow commit order there)."""

    type = BigInteger()
    inherit_cache = True


@compiles(current_txid)
def _no_txid(_element: current_txid, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "0"


@compiles(current_txid, "postgresql")
def _pg_txid(_element: current_txid, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "(pg_current_xact_id()::text::bigint)"


class SearchOutbox(Base):
    """A product change the search indexes have still to apply (written in the same transaction).

    Each node's index keeps its own position, ``(txid, id)`` of the last row it applied
    (``knowledge.search.positions``); rows are never marked, so every node sees every change.
    """

    __tablename__ = "knowledge_search_outbox"
    __table_args__ = (
        CheckConstraint(_in("action", OUTBOX_ACTIONS), name="action_known"),
        Index("ix_knowledge_search_outbox_txid_id", "txid", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a delete row must outlive the product it removes from the index.
    product_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set by the database on insert: rows are read in (txid, id) order below the oldest
    # transaction still running, because ids are handed out at INSERT, not at COMMIT.
    txid: Mapped[int] = mapped_column(BigInteger, default=current_txid())


def enqueue_index(session: Session, product_id: int) -> SearchOutbox:
    """Record that a product changed: upsert while it is published, otherwise delete it.

    Every service that changes a product calls this in the same transaction, so the index can be
    brought up to date from the database after any crash.
    """
    session.flush()
    status = session.scalar(
        select(KnowledgeProduct.status).where(KnowledgeProduct.id == product_id)
    )
    row = SearchOutbox(
        product_id=product_id, action="upsert" if status == "published" else "delete"
    )
    session.add(row)
    session.flush()
    return row


class UsageEvent(Base):
    """One counted view or download of a published product (``knowledge.usage``).

    Robots and double clicks are never stored. ``visitor`` is a keyed hash of the reader's
    address and browser, with a key that changes every day, kept only while a double click can
    still follow (it is cleared after a day): counts need nothing else about the reader.
    """

    __tablename__ = "knowledge_usage_event"
    __table_args__ = (
        CheckConstraint(_in("kind", USAGE_KINDS), name="kind_known"),
        Index("ix_knowledge_usage_event_product_at", "product_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("knowledge_product.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    visitor: Mapped[str | None] = mapped_column(String(32))
