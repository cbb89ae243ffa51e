"""The audit trail: one row per state change, written by the action that made the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from portal.models import AuditEvent, User


def record(
    session: Session,
    actor: User | int | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add the audit row of `action` (``"<package>.<what_happened>"``) by `actor`.

    Every door (web, CLI, API) calls the same action, so the row is the same whichever was used.
    `details` hold identifiers and counts, never personal data (no e-mail, no answer text).
    """
    actor_id = actor.id if isinstance(actor, User) else actor
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    session.add(event)
    return event
