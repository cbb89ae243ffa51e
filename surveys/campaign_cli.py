"""`flask surveys campaign-edit`, `campaign-delete`, `invitees`, `resend` and `correct-email`: the
campaign management of the staff pages, for scripts; the same actions, the command line as actor."""

from __future__ import annotations

from datetime import date

import click

from portal.cli import command_transaction
from portal.db import utcnow
from surveys import campaign_contacts, campaign_invitees, campaign_settings, campaigns
from surveys.cli import day_option, surveys_cli
from surveys.config import invitation_days


@surveys_cli.command("campaign-edit")
@click.argument("campaign_id", type=int)
@click.option("--title", default=None)
@click.option("--opens", default=None, help="YYYY-MM-DD, or 'none' to clear it")
@click.option("--closes", default=None, help="YYYY-MM-DD, or 'none' to clear it")
@click.option("--reminder-days", type=int, default=None, help="days after the last mail (1-90)")
@click.option("--reminder-limit", type=int, default=None, help="reminders per invitee (0-10)")
@click.option("--auto-reminders/--no-auto-reminders", default=None, help="sent by the worker")
def campaign_edit(
    campaign_id: int,
    title: str | None,
    opens: str | None,
    closes: str | None,
    reminder_days: int | None,
    reminder_limit: int | None,
    auto_reminders: bool | None,
) -> None:
    """Change a draft or open campaign's title, dates or reminder schedule; the rest is kept."""
    with command_transaction() as session:
        now = campaign_settings.CampaignSettings.of(campaigns.get_campaign(session, campaign_id))
        wanted = campaign_settings.CampaignSettings(
            title=now.title if title is None else title,
            opens_on=now.opens_on if opens is None else _optional_day(opens, "--opens"),
            closes_on=now.closes_on if closes is None else _optional_day(closes, "--closes"),
            reminder_days=now.reminder_days if reminder_days is None else reminder_days,
            reminder_limit=now.reminder_limit if reminder_limit is None else reminder_limit,
            reminders_automatic=(
                now.reminders_automatic if auto_reminders is None else auto_reminders
            ),
        )
        changed = campaign_settings.update_campaign(
            session, None, campaign_id, wanted, today=utcnow().date()
        )
    click.echo(f"campaign {campaign_id}: " + (", ".join(changed) or "nothing") + " changed")


def _optional_day(value: str, option: str) -> date | None:
    return None if value.lower() == "none" else day_option(value, option)


@surveys_cli.command("campaign-delete")
@click.argument("campaign_id", type=int)
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def campaign_delete(campaign_id: int, yes: bool) -> None:
    """Delete a draft campaign and its invitees."""
    if not yes:
        click.confirm(f"Delete draft campaign {campaign_id} and its invitees?", abort=True)
    with command_transaction() as session:
        title = campaign_settings.delete_draft(session, None, campaign_id)
    click.echo(f"draft campaign {campaign_id} ({title}) deleted")


@surveys_cli.command("invitees")
@click.argument("campaign_id", type=int)
@click.option("--status", type=click.Choice(campaign_invitees.STATUSES), default=None)
def invitees(campaign_id: int, status: str | None) -> None:
    """List a campaign's invitees as id, status, e-mail (tab-separated), then the counts."""
    with command_transaction() as session:
        campaigns.get_campaign(session, campaign_id)
        page_number, pages = 1, 1
        while page_number <= pages:
            listing = campaign_invitees.invitee_page(
                session, campaign_id, status=status, query="", page=page_number
            )
            for row in listing.rows:
                click.echo(f"{row.id}\t{row.status}\t{row.email or ''}")
            page_number, pages = page_number + 1, listing.pages
        counts = ", ".join(f"{name} {count}" for name, count in listing.counts.items())
    click.echo(f"# {counts}")


@surveys_cli.command("resend")
@click.argument("campaign_id", type=int)
@click.argument("invitation_id", type=int)
@click.option("--no-mail", is_flag=True, help="only print the new link, do not mail it")
def resend(campaign_id: int, invitation_id: int, no_mail: bool) -> None:
    """Give an invitee a fresh link (the older ones stop working); prints it, once."""
    with command_transaction() as session:
        resent = campaign_contacts.resend_link(
            session,
            None,
            campaign_id,
            invitation_id,
            mail=not no_mail,
            valid_days=invitation_days(),
            now=utcnow(),
        )
    click.echo(resent.url)
    click.echo(
        f"# {resent.revoked} earlier link(s) revoked; "
        + ("mail queued" if resent.mailed else "not mailed"),
        err=True,
    )


@surveys_cli.command("correct-email")
@click.argument("campaign_id", type=int)
@click.argument("invitation_id", type=int)
@click.argument("email")
def correct_email(campaign_id: int, invitation_id: int, email: str) -> None:
    """Correct an invitee's address; the links mailed to the old one stop working."""
    with command_transaction() as session:
        revoked = campaign_contacts.correct_email(
            session, None, campaign_id, invitation_id, email, now=utcnow()
        )
    click.echo(
        f"invitation {invitation_id}: address corrected, {revoked} link(s) revoked; "
        f"mail it with the invitations not sent yet or `surveys resend`"
    )
