"""`flask surveys ...`: campaigns, invitations, reminders, imports, exports and contact purges.

Each command parses its arguments and calls the same actions as the web pages, in one transaction;
the actor is the command line (no user).
"""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from portal.cli import command_transaction
from portal.db import database, utcnow
from portal.i18n import LANGUAGES
from surveys import campaigns, exports, imports, invitations, sending
from surveys.config import (
    global_south_flag,
    invitation_days,
    new_campaign_reminder_days,
    purge_contacts_days,
)
from surveys.models import Campaign, Invitation
from surveys.sending import Links, link_url

surveys_cli = AppGroup("surveys", help="Survey campaigns, invitations, responses and exports.")


def day_option(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=option) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None


@surveys_cli.command("campaign-create")
@click.option(
    "--survey",
    "survey_key",
    required=True,
    help="partner, volunteer_exit or the key of an imported form",
)
@click.option("--year", type=int, required=True)
@click.option("--title", default=None)
@click.option("--opens", default=None, help="YYYY-MM-DD")
@click.option("--closes", default=None, help="YYYY-MM-DD")
@click.option(
    "--draft", is_flag=True, help="keep it a draft (it opens now unless --opens is later)"
)
@click.option(
    "--reminder-days",
    type=int,
    default=None,
    help="days after the last mail before a reminder (default: PORTAL_REMINDER_DAYS, or 7)",
)
def campaign_create(
    survey_key: str,
    year: int,
    title: str | None,
    opens: str | None,
    closes: str | None,
    draft: bool,
    reminder_days: int | None,
) -> None:
    """Create a campaign and print its id."""
    opens_on, closes_on = day_option(opens, "--opens"), day_option(closes, "--closes")
    now = utcnow()
    with command_transaction() as session:
        campaign = campaigns.create_campaign(
            session,
            None,
            survey_key,
            year,
            title=title,
            opens_on=opens_on,
            closes_on=closes_on,
            reminder_days=reminder_days or new_campaign_reminder_days(),
        )
        if not draft and (opens_on is None or opens_on <= now.date()):
            campaigns.open_campaign(session, None, campaign.id, now=now)
        campaign_id = campaign.id
    click.echo(campaign_id)


@surveys_cli.command("campaign-open")
@click.argument("campaign_id", type=int)
def campaign_open(campaign_id: int) -> None:
    """Open a draft campaign for answers."""
    with command_transaction() as session:
        campaigns.open_campaign(session, None, campaign_id)
    click.echo(f"campaign {campaign_id} is open")


@surveys_cli.command("campaign-close")
@click.argument("campaign_id", type=int)
def campaign_close(campaign_id: int) -> None:
    """Close a campaign: its links stop working."""
    with command_transaction() as session:
        campaigns.close_campaign(session, None, campaign_id)
    click.echo(f"campaign {campaign_id} is closed")


def _write_links(path: Path, links: Links) -> None:
    # Written beside the target and renamed: a half-written links file is never left behind.
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "link"])
        writer.writerows((inv.contact_email or "", link_url(token)) for inv, token in links)
    partial.replace(path)


@surveys_cli.command("invite")
@click.argument("campaign_id", type=int)
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--links-out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--send", is_flag=True, help="also mail each invitee their link")
def invite(campaign_id: int, roster: Path, links_out: Path, send: bool) -> None:
    """Import a roster: one single-use link per new row, written as email,link rows. People the
    campaign already has are listed and left as they were."""
    data = _read(roster)
    now = utcnow()
    try:
        with command_transaction() as session:
            added = invitations.add_invitees(session, None, campaign_id, data, source=roster.name)
            created = added.created
            sent = _send_or_issue(session, campaign_id, created, links_out, send, now)
    except OSError as error:
        raise click.ClickException(f"cannot write {links_out}: {error.strerror}") from None
    for entry in added.already_invited:
        click.echo(f"line {entry.line}: already invited, left unchanged")
    click.echo(
        f"{len(created)} invitations created, links written to {links_out}, {sent} mails queued"
    )


def _send_or_issue(
    session: Session,
    campaign_id: int,
    created: list[Invitation],
    links_out: Path,
    send: bool,
    now: datetime,
) -> int:
    """Mail the new invitees their links, written to the file first; or only issue the links."""
    days = invitation_days()
    if send:
        # The links file is written before the mails are queued; if writing fails, nothing is kept.
        return sending.send_invitations(
            session,
            None,
            campaign_id,
            valid_days=days,
            now=now,
            invitations=created,
            before_mail=lambda links: _write_links(links_out, links),
        )
    links = invitations.issue_roster_links(
        session, None, campaign_id, created, now=now, valid_days=days
    )
    _write_links(links_out, links)
    return 0


@surveys_cli.command("import-responses")
@click.argument("campaign_id", type=int)
@click.argument("responses", type=click.Path(path_type=Path, dir_okay=False))
def import_responses(campaign_id: int, responses: Path) -> None:
    """Load responses collected elsewhere: roster columns, submitted_at, a column per question."""
    data = _read(responses)
    with command_transaction() as session:
        count = imports.import_responses(
            session,
            None,
            campaign_id,
            data,
            now=utcnow(),
            global_south_flag=global_south_flag(),
            source=responses.name,
        )
    click.echo(f"{count} responses imported")


@surveys_cli.command("export-responses")
@click.argument("campaign_id", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(exports.EXPORT_FORMATS),
    required=True,
    help="csv (with NAME.codebook.csv beside it), xlsx, sav (SPSS), dta (Stata) or zip (the CSV "
    "and its codebook)",
)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default="en", help="label language")
@click.option(
    "--free-text", is_flag=True, help="only the free-text answers, shuffled, without attributes"
)
@click.option(
    "--identifiable",
    is_flag=True,
    help="response ids, exact attributes and free text (audited as identifiable access)",
)
def export_responses(
    campaign_id: int, fmt: str, out: Path, lang: str, free_text: bool, identifiable: bool
) -> None:
    """Write the campaign's responses, one row per response: anonymous (k-anonymous attribute
    snapshot, no free text, no identity) unless --free-text or --identifiable is given."""
    if free_text and identifiable:
        raise click.UsageError("--free-text and --identifiable exclude each other")
    k = int(current_app.config["PORTAL_SUPPRESS_BELOW"])
    with command_transaction() as session:
        if identifiable:
            export = exports.export_identifiable_responses(
                session, None, campaign_id, fmt=fmt, locale=lang
            )
        elif free_text:
            export = exports.export_free_text(session, None, campaign_id, fmt=fmt, locale=lang, k=k)
        else:
            export = exports.export_responses(session, None, campaign_id, fmt=fmt, locale=lang, k=k)
    # A CSV's labels go in its codebook, beside it: NAME.codebook.csv for NAME.csv.
    book = (
        out.with_name(exports.codebook_name(out.name)) if fmt == "csv" and not free_text else None
    )
    try:
        with out.open("wb") as handle:
            exports.write_export(database().transaction, export, handle)
        if book is not None:
            with book.open("wb") as handle:
                exports.write_codebook(database().transaction, export, handle)
    except OSError as error:
        raise click.ClickException(f"cannot write {error.filename}: {error.strerror}") from None
    what = "free-text answers" if free_text else "responses"
    click.echo(f"{what} of campaign {campaign_id} written to {out}")
    if book is not None:
        click.echo(f"codebook written to {book}")


def _housekeeping(now: datetime) -> None:
    """Close overdue campaigns, then purge contacts of those closed long enough ago."""
    days = purge_contacts_days()
    with command_transaction() as session:
        for campaign in campaigns.close_overdue_campaigns(session, now):
            click.echo(f"campaign {campaign.id} closed (closing date passed)")
        for campaign in campaigns.purge_due_contacts(session, now, days):
            click.echo(f"contact data of campaign {campaign.id} purged ({days} days after close)")


@surveys_cli.command("purge-contacts")
@click.argument("campaign_id", type=int, required=False)
def purge_contacts(campaign_id: int | None) -> None:
    """Erase contact data of a closed campaign (without an id: every campaign that is due)."""
    now = utcnow()
    if campaign_id is None:
        _housekeeping(now)
        return
    with command_transaction() as session:
        count = campaigns.purge_contacts(session, None, campaign_id, now=now)
    click.echo(f"contact data of {count} invitations of campaign {campaign_id} erased")


@surveys_cli.command("send-reminders")
@click.argument("campaign_id", type=int, required=False)
@click.option(
    "--min-days",
    type=int,
    default=0,
    show_default=True,
    help="wait at least this many days after the last mail (never less than the campaign's "
    "own schedule)",
)
def send_reminders(campaign_id: int | None, min_days: int) -> None:
    """Remind invitees due a reminder by their campaign's schedule (without an id: every open
    campaign; for cron).

    Also closes campaigns past their closing date and purges contacts that are due.
    """
    now = utcnow()
    if campaign_id is None:
        _housekeeping(now)
    with command_transaction() as session:
        if campaign_id is not None:
            targets = [campaign_id]
        else:
            targets = [c.id for c in campaigns.list_campaigns(session) if _remindable(c, now)]
        for target in targets:
            count = sending.send_reminders(
                session, None, target, valid_days=invitation_days(), now=now, min_days=min_days
            )
            click.echo(f"campaign {target}: {count} reminders queued")


def _remindable(campaign: Campaign, now: datetime) -> bool:
    return campaigns.accepts_answers(campaign, now.date())
