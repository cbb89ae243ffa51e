"""Settings of the repository that staff change in the portal: the licence new products get when
their contributor states none. One action sets it (audited); everything else reads it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge import identifiers
from portal import audit
from portal.db import Base, UTCDateTime, utcnow
from portal.errors import FieldError
from portal.markers import N_
from portal.models import User

DEFAULT_LICENCE = "default_licence"
SETTINGS_AUDIT_TYPE = "knowledge_setting"


class RepositorySetting(Base):
    """One setting of the repository (key, value), with who changed it last."""

    __tablename__ = "knowledge_setting"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


def default_licence(session: Session) -> str | None:
    """The SPDX id new products get when none is stated (None: they state none)."""
    row = session.get(RepositorySetting, DEFAULT_LICENCE)
    return row.value if row is not None else None


def set_default_licence(session: Session, actor: User | None, licence: str | None) -> None:
    """Staff choose the default licence (None removes it). Audit: "knowledge.settings.changed"."""
    value = identifiers.licence(licence) if licence else None
    if licence and value is None:
        raise FieldError("licence", N_("Unknown licence %(value)s."), value=licence)
    row = session.get(RepositorySetting, DEFAULT_LICENCE)
    before = row.value if row is not None else None
    if row is None:
        row = RepositorySetting(key=DEFAULT_LICENCE)
        session.add(row)
    row.value, row.updated_at = value, utcnow()
    row.updated_by_id = actor.id if actor else None
    session.flush()
    audit.record(
        session,
        actor,
        "knowledge.settings.changed",
        SETTINGS_AUDIT_TYPE,
        None,
        setting=DEFAULT_LICENCE,
        before=before,
        after=value,
    )
