"""Survey tables: definition snapshots, campaigns, invitations, links, responses and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, utcnow

SURVEY_KEYS = ("partner", "volunteer_exit")
CAMPAIGN_STATES = ("draft", "open", "closed")
GENDERS = ("female", "male", "other", "undisclosed")
CATEGORIES = ("national", "international")
MODALITIES = ("onsite", "online")
OFFICE_TYPES = ("hq", "regional", "country")
AGE_BANDS = ("under_18", "18_29", "30_39", "40_49", "50_59", "60_plus")
# How an invitation came to be: a roster row, a partner account answering for its office, or a
# response collected elsewhere and imported.
INVITATION_SOURCES = ("roster", "account", "import")
LINK_PURPOSES = ("invitation", "reminder", "roster_file")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _null_or_in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IS NULL OR {_in(column, values)}"


class SurveyDefinitionVersion(Base):
    """A definition exactly as a campaign pinned it: its YAML content as JSON, with its hash."""

    __tablename__ = "survey_definition_version"
    __table_args__ = (
        UniqueConstraint("survey_key", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_key: Mapped[str] = mapped_column(String(63))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Read only when a definition is not yet in the process's cache (keyed by content_hash).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Campaign(Base):
    """One survey run for one year: draft, then open for answers, then closed."""

    __tablename__ = "survey_campaign"
    __table_args__ = (
        CheckConstraint(_in("state", CAMPAIGN_STATES), name="state_known"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        CheckConstraint(
            "opens_on IS NULL OR closes_on IS NULL OR closes_on >= opens_on", name="dates_ordered"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_key: Mapped[str] = mapped_column(String(63))
    definition_version_id: Mapped[int] = mapped_column(ForeignKey("survey_definition_version.id"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contacts_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    definition_version: Mapped[SurveyDefinitionVersion] = relationship()


class Invitation(Base):
    """One invitee of a campaign: contact (purgeable), roster attributes, progress, saved answers.

    The attributes are copied into the response at submission; contact data never is.
    """

    __tablename__ = "survey_invitation"
    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_email"),
        # The response rate counts the invitations of a year's campaigns not used (not answered):
        # an index range of those alone, however many were answered.
        Index("ix_survey_invitation_campaign_used", "campaign_id", "used_at"),
        CheckConstraint(_in("source", INVITATION_SOURCES), name="source_known"),
        CheckConstraint(_null_or_in("gender", GENDERS), name="gender_known"),
        CheckConstraint(_null_or_in("category", CATEGORIES), name="category_known"),
        CheckConstraint(_null_or_in("modality", MODALITIES), name="modality_known"),
        CheckConstraint(_null_or_in("office_type", OFFICE_TYPES), name="office_type_known"),
        CheckConstraint("age IS NULL OR age BETWEEN 10 AND 120", name="age_plausible"),
        CheckConstraint("current_page >= 0", name="page_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaign.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(10), default="roster")
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    # The invitee's language from the roster; None: the browser's preference (mail in English).
    locale: Mapped[str | None] = mapped_column(String(8))
    # Roster attributes needed for disaggregation (volunteers) or for the office (partners).
    gender: Mapped[str | None] = mapped_column(String(12))
    category: Mapped[str | None] = mapped_column(String(14))
    modality: Mapped[str | None] = mapped_column(String(8))
    age: Mapped[int | None] = mapped_column(Integer)
    disability: Mapped[bool | None] = mapped_column(Boolean)
    nationality: Mapped[str | None] = mapped_column(String(3))
    refugee: Mapped[bool | None] = mapped_column(Boolean)
    duty_station: Mapped[str | None] = mapped_column(String(3))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    office_type: Mapped[str | None] = mapped_column(String(10))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    assignment_start: Mapped[date | None] = mapped_column(Date)
    assignment_end: Mapped[date | None] = mapped_column(Date)
    # Progress
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_count: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Save and resume: the answers of the pages saved so far, cleared when the response is stored.
    partial_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    current_page: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship()


class InvitationLink(Base):
    """A single-use link sent to an invitee; only the SHA-256 of its token is kept.

    Each mail (invitation, reminder) carries a fresh token, so no token ever has to be stored to be
    sent again; every link of an invitation stops working once the invitation is used.
    """

    __tablename__ = "survey_invitation_link"
    __table_args__ = (CheckConstraint(_in("purpose", LINK_PURPOSES), name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("survey_invitation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(12))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    invitation: Mapped[Invitation] = relationship()


class Response(Base):
    """A submitted questionnaire with the attribute snapshot for disaggregation, never identity."""

    __tablename__ = "survey_response"
    __table_args__ = (
        # A partner office answers a campaign once; volunteer responses have no office (NULL).
        UniqueConstraint("campaign_id", "office_id"),
        CheckConstraint(_null_or_in("gender", GENDERS), name="gender_known"),
        CheckConstraint(_null_or_in("category", CATEGORIES), name="category_known"),
        CheckConstraint(_null_or_in("modality", MODALITIES), name="modality_known"),
        CheckConstraint(_null_or_in("office_type", OFFICE_TYPES), name="office_type_known"),
        CheckConstraint(_null_or_in("age_band", AGE_BANDS), name="age_band_known"),
        Index("ix_survey_response_campaign_year", "campaign_id", "reporting_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # UNIQUE: the second guard, after the conditional update of the invitation, against a double
    # submission of one link.
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("survey_invitation.id", ondelete="CASCADE"), unique=True
    )
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id", ondelete="CASCADE"))
    definition_version_id: Mapped[int] = mapped_column(ForeignKey("survey_definition_version.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reporting_year: Mapped[int] = mapped_column(Integer, index=True)
    gender: Mapped[str | None] = mapped_column(String(12))
    category: Mapped[str | None] = mapped_column(String(14))
    modality: Mapped[str | None] = mapped_column(String(8))
    age_band: Mapped[str | None] = mapped_column(String(10))
    youth: Mapped[bool | None] = mapped_column(Boolean)
    disability: Mapped[bool | None] = mapped_column(Boolean)
    global_south: Mapped[bool | None] = mapped_column(Boolean)
    africa: Mapped[bool | None] = mapped_column(Boolean)
    sids: Mapped[bool | None] = mapped_column(Boolean)
    ldc: Mapped[bool | None] = mapped_column(Boolean)
    lldc: Mapped[bool | None] = mapped_column(Boolean)
    refugee: Mapped[bool | None] = mapped_column(Boolean)
    office_type: Mapped[str | None] = mapped_column(String(10))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    duty_station: Mapped[str | None] = mapped_column(String(3))

    campaign: Mapped[Campaign] = relationship()


class Answer(Base):
    """One answer value: a choice code (one row per code of a multiple choice), text or number."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        # Its index (response_id, question_key, ...) also serves the join from responses.
        UniqueConstraint("response_id", "question_key", "value_code"),
        CheckConstraint(
            "value_code IS NOT NULL OR value_text IS NOT NULL OR value_number IS NOT NULL",
            name="has_value",
        ),
        # The indicator query: one GROUP BY over a campaign's answers to one question.
        Index(
            "ix_survey_answer_campaign_question_code", "campaign_id", "question_key", "value_code"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("survey_campaign.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(63))
    value_code: Mapped[str | None] = mapped_column(String(63))
    value_text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[float | None] = mapped_column(Float)


class AnswerCount(Base):
    """Responses and coded answers counted by respondent cell, kept current with the responses.

    Key: campaign (hence survey), reporting year, question, answer code, the cell (the 13 groups
    of `GROUP_KEYS` as two bit masks: membership known, member) and the organisation (0: none).
    Question '' with code '' counts the cell's responses; a question with code '' counts the
    cell's responses that gave the question at least one code. `surveys.answer_counts` keeps it
    current in the transaction of every change of responses; `surveys counts-rebuild` rebuilds it.
    """

    __tablename__ = "survey_answer_count"
    __table_args__ = (
        CheckConstraint("n >= 0", name="n_not_negative"),
        CheckConstraint("(groups_in & ~groups_known) = 0", name="members_known"),
    )

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("survey_campaign.id", ondelete="CASCADE"), primary_key=True
    )
    reporting_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_key: Mapped[str] = mapped_column(String(63), primary_key=True)
    answer_code: Mapped[str] = mapped_column(String(63), primary_key=True)
    groups_known: Mapped[int] = mapped_column(Integer, primary_key=True)
    groups_in: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Not a foreign key: 0 stands for no organisation, so that the key has no NULL in it.
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
