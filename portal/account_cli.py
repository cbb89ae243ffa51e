"""Command line of account administration and of the audit log: the same actions as the
administrators' pages (`flask portal list-users`, `update-user`, `deactivate-user`, ...)."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import Flask, current_app

from portal import audit_log
from portal.auth import accounts, administration, directory
from portal.cli import command_transaction, portal_cli
from portal.db import database


@portal_cli.command("list-users")
@click.option("--search", default="", help="text in the name or e-mail")
@click.option("--role", default=None, help="admin, staff, partner or contributor")
@click.option("--org", "org_code", default=None, help="organisation code")
@click.option("--active/--inactive", "active", default=None, help="only active or deactivated")
def list_users(search: str, role: str | None, org_code: str | None, active: bool | None) -> None:
    """One line per account: e-mail, role, organisation, active or deactivated."""
    filters = directory.UserFilters(search, role, org_code, active)
    page_number = 1
    with command_transaction() as session:
        while True:
            found = directory.find_users(session, filters, page_number, per_page=500)
            for user in found.items:
                org = user.organisation.code if user.organisation else "-"
                state = "active" if user.active else "deactivated"
                click.echo(f"{user.email}\t{user.role}\t{org}\t{state}")
            if page_number >= found.pages:
                break
            page_number += 1


@portal_cli.command("update-user")
@click.argument("email")
@click.option("--role", default=None, help="the new role (default: unchanged)")
@click.option("--org", "org_code", default=None, help="the new organisation code")
@click.option("--no-org", is_flag=True, help="take the account out of its organisation")
def update_user(email: str, role: str | None, org_code: str | None, no_org: bool) -> None:
    """Change an account's role and organisation."""
    with command_transaction() as session:
        user = accounts.existing_user(session, email)
        current = user.organisation.code if user.organisation else None
        changed = administration.change_account(
            session,
            None,
            user.id,
            role=role or user.role,
            org_code=None if no_org else (org_code or current),
        )
        click.echo(f"user {user.email}: {', '.join(changed) or 'nothing'} changed")


@portal_cli.command("deactivate-user")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Stop an account: it cannot sign in; its sessions and API tokens end at once."""
    with command_transaction() as session:
        user = accounts.existing_user(session, email)
        administration.deactivate_user(session, None, user.id)
        click.echo(f"user {user.email} deactivated")


@portal_cli.command("reactivate-user")
@click.argument("email")
def reactivate_user(email: str) -> None:
    """Let a deactivated account sign in again."""
    with command_transaction() as session:
        user = accounts.existing_user(session, email)
        administration.reactivate_user(session, None, user.id)
        click.echo(f"user {user.email} reactivated")


@portal_cli.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Force a password reset: the password stops working; a link to set one is mailed."""
    with command_transaction() as session:
        user = accounts.existing_user(session, email)
        administration.force_password_reset(
            session, None, user.id, secret_key=current_app.config["SECRET_KEY"]
        )
        click.echo(f"user {user.email}: password reset, link queued")


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@portal_cli.command("audit-export")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
@click.option("--actor", default=None, help="e-mail of the account that acted")
@click.option("--action", default=None, help="event type, such as auth.user_deactivated")
@click.option("--object-type", default=None)
@click.option("--object-id", type=click.IntRange(1, 2**31 - 1), default=None)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="first UTC day")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="last UTC day")
def audit_export(
    out_path: str,
    actor: str | None,
    action: str | None,
    object_type: str | None,
    object_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> None:
    """Write the audit log (filtered) as CSV, as the administrators' page exports it."""
    if since and until and until < since:
        raise click.ClickException("--until is before --since")
    with command_transaction() as session:
        actor_id = accounts.existing_user(session, actor).id if actor else None
        filters = audit_log.AuditFilters(
            actor_id, False, action, object_type, object_id, _day(since), _day(until)
        )
        export = audit_log.export_audit_log(session, None, filters)
    try:
        with open(out_path, "w", encoding="utf-8", newline="") as out:
            for chunk in audit_log.iter_csv(database().transaction, export):
                out.write(chunk)
    except OSError as error:
        raise click.ClickException(f"cannot write {out_path}: {error.strerror}") from None
    click.echo(f"{export.rows} event(s) written to {out_path}")


def init_app(app: Flask) -> None:
    """Nothing to add: importing this module put its commands on the `portal` group, which
    portal.cli adds to the app."""
