"""Campaigns: definition versions pinned, the life cycle, progress by group, contact purges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.db import utcnow
from portal.errors import InputError
from surveys import campaigns
from surveys.definition_checks import from_dict
from surveys.definition_snapshots import content_hash, to_dict
from surveys.models import Campaign, Invitation, Response, SurveyDefinitionVersion
from surveys.progress import campaign_progress
from tests.integration.surveys.builders import make_campaign, make_invitation


def test_a_new_campaign_is_a_draft_pinned_to_the_newest_definition(session, shipped) -> None:
    campaign = make_campaign(session, "partner", year=2026, state="draft")
    assert campaign.state == "draft"
    assert campaign.definition_version.version == shipped["partner"].version
    assert campaign.definition_version.content_hash == content_hash(shipped["partner"])
    assert campaign.title == f"{shipped['partner'].title['en']} 2026"


def test_a_stored_definition_version_is_reused_not_duplicated(session) -> None:
    make_campaign(session, "partner", year=2025)
    make_campaign(session, "partner", year=2026)
    count = session.scalar(
        select(func.count())
        .select_from(SurveyDefinitionVersion)
        .where(SurveyDefinitionVersion.survey_key == "partner")
    )
    assert count == 1


def test_a_changed_definition_under_the_same_version_is_refused(session, shipped) -> None:
    campaigns.sync_definition(session, shipped["volunteer_exit"])
    data = to_dict(shipped["volunteer_exit"])
    data["title"]["en"] = "A different title"
    changed = from_dict(data)
    with pytest.raises(InputError, match="changed after it was used"):
        campaigns.sync_definition(session, changed)


def test_the_pinned_snapshot_keeps_its_meaning_when_read_back(session, shipped) -> None:
    campaign = make_campaign(session, "volunteer_exit")
    pinned = campaigns.campaign_definition(campaign)
    assert content_hash(pinned) == content_hash(shipped["volunteer_exit"])


def test_unknown_survey_and_bad_dates_are_refused(session) -> None:
    with pytest.raises(InputError, match="Unknown survey"):
        campaigns.create_campaign(session, None, "census", 2026)
    with pytest.raises(InputError, match="closing date"):
        campaigns.create_campaign(
            session, None, "partner", 2026, opens_on=date(2026, 5, 1), closes_on=date(2026, 4, 1)
        )


def test_states_go_draft_open_closed_and_never_back(session) -> None:
    campaign = make_campaign(session, state="draft")
    with pytest.raises(InputError):
        campaigns.close_campaign(session, None, campaign.id, now=utcnow())
    campaigns.open_campaign(session, None, campaign.id, now=utcnow())
    with pytest.raises(InputError):
        campaigns.open_campaign(session, None, campaign.id, now=utcnow())
    campaigns.close_campaign(session, None, campaign.id, now=utcnow())
    assert (campaign.state, campaign.closed_at is not None) == ("closed", True)


def test_answers_are_taken_only_while_open_and_before_the_closing_date(session) -> None:
    today = date(2026, 5, 10)
    campaign = make_campaign(session, closes_on=date(2026, 5, 10))
    assert campaigns.accepts_answers(campaign, today)
    assert not campaigns.accepts_answers(campaign, today + timedelta(days=1))


def test_overdue_campaigns_are_closed_by_the_periodic_run(session) -> None:
    overdue = make_campaign(session, closes_on=utcnow().date() - timedelta(days=1))
    current = make_campaign(session, closes_on=utcnow().date() + timedelta(days=1))
    closed = campaigns.close_overdue_campaigns(session, utcnow())
    assert closed == [overdue]
    assert (overdue.state, current.state) == ("closed", "open")


def test_progress_counts_invited_started_completed_and_groups(session) -> None:
    campaign = make_campaign(session)
    now = utcnow()
    people = [
        ("female", "national", "used"),
        ("female", "international", "started"),
        ("male", "national", None),
        ("male", "national", "used"),
    ]
    for gender, category, progress in people:
        invitation, _ = make_invitation(
            session, campaign, gender=gender, category=category, modality="onsite"
        )
        invitation.sent_at = now
        if progress == "started":
            invitation.started_at = now
        if progress == "used":
            invitation.used_at = now
    session.flush()
    progress = campaign_progress(session, campaign)
    assert (progress.invited, progress.sent, progress.started, progress.completed) == (4, 4, 3, 2)
    assert progress.response_rate == 0.5
    by_gender = {row.value: (row.invited, row.completed) for row in progress.by_group["gender"]}
    assert by_gender == {"female": (2, 1), "male": (2, 1)}
    by_category = {row.value: row.response_rate for row in progress.by_group["category"]}
    assert by_category == {"international": 0.0, "national": pytest.approx(2 / 3)}


def test_partner_progress_is_grouped_by_office_type(session) -> None:
    campaign = make_campaign(session, "partner")
    assert list(campaign_progress(session, campaign).by_group) == ["office_type"]


def test_purging_contacts_needs_a_closed_campaign_and_keeps_the_counts(session) -> None:
    campaign = make_campaign(session)
    invitation, _ = make_invitation(session, campaign, name="Ana", nationality="KEN", age=25)
    invitation.partial_answers = {"satisfied_experience": "fully_agree"}
    with pytest.raises(InputError, match="closed"):
        campaigns.purge_contacts(session, None, campaign.id, now=utcnow())
    campaigns.close_campaign(session, None, campaign.id, now=utcnow())
    assert campaigns.purge_contacts(session, None, campaign.id, now=utcnow()) == 1
    session.refresh(invitation)
    assert (invitation.contact_email, invitation.contact_name, invitation.nationality) == (
        None,
        None,
        None,
    )
    assert (invitation.age, invitation.partial_answers) == (None, None)
    assert campaign_progress(session, campaign).invited == 1
    assert campaign.contacts_purged_at is not None


def test_contacts_are_purged_automatically_n_days_after_close(session) -> None:
    long_closed, recently_closed = make_campaign(session), make_campaign(session)
    make_invitation(session, long_closed)
    make_invitation(session, recently_closed)
    campaigns.close_campaign(session, None, long_closed.id, now=utcnow() - timedelta(days=91))
    campaigns.close_campaign(session, None, recently_closed.id, now=utcnow() - timedelta(days=89))
    purged = campaigns.purge_due_contacts(session, utcnow(), days=90)
    assert purged == [long_closed]
    emails = dict(session.execute(select(Invitation.campaign_id, Invitation.contact_email)).all())
    assert emails[long_closed.id] is None
    assert emails[recently_closed.id] is not None


def test_a_response_has_no_column_for_identity() -> None:
    columns = set(Response.__table__.columns.keys())
    assert not columns & {"email", "contact_email", "name", "contact_name", "nationality", "age"}
    assert {"youth", "global_south", "africa", "sids", "ldc", "lldc", "refugee"} <= columns


def test_campaign_states_are_a_database_constraint(session) -> None:
    from sqlalchemy.exc import IntegrityError

    campaign = make_campaign(session)
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(
            Campaign.__table__.update().where(Campaign.id == campaign.id).values(state="paused")
        )
        session.flush()
