"""Merging organisations, the surveys side: invitations and responses move to the kept one."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from portal.auth.organisations import office_twins, rows_changed
from portal.errors import InputError
from portal.markers import N_
from portal.models import Office
from surveys.answer_counts import move_organisation
from surveys.models import Campaign, Invitation, Response


def _refuse_double_answers(session: Session, twins: dict[int, int]) -> None:
    """An office answers a campaign once: two joined offices that both answered one cannot be."""
    other = aliased(Response)
    clash = session.execute(
        select(Campaign.title, Office.name)
        .join(Response, Response.campaign_id == Campaign.id)
        .join(Office, Office.id == Response.office_id)
        .join(other, other.campaign_id == Response.campaign_id)
        .where(Response.office_id.in_(twins), other.office_id.in_(set(twins.values())))
        .limit(1)
    ).first()
    if clash is not None:
        raise InputError(
            N_(
                "The offices %(office)s of both organisations answered the campaign %(campaign)s: "
                "the organisations cannot be merged while both responses exist."
            ),
            office=clash[1],
            campaign=clash[0],
        )


def merge_organisation_rows(session: Session, duplicate_id: int, keep_id: int) -> int:
    """The merge handler (portal.auth.organisations): invitations and responses of the duplicate
    (and of its offices the kept organisation also has) move to the kept one. Refuses, changing
    nothing, when both offices answered one campaign. Returns the rows moved."""
    twins = office_twins(session, duplicate_id, keep_id)
    _refuse_double_answers(session, twins)
    moved = 0
    for model in (Invitation, Response):
        moved += rows_changed(
            session,
            update(model)
            .where(model.organisation_id == duplicate_id)
            .values(organisation_id=keep_id),
        )
        for old, new in twins.items():
            session.execute(update(model).where(model.office_id == old).values(office_id=new))
    move_organisation(session, duplicate_id, keep_id)  # the answer counts follow the responses
    return moved
