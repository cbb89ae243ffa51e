"""Command line: `flask db upgrade` and the `flask portal ...` administration commands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from portal.auth import accounts, organisations, tokens
from portal.db import database
from portal.errors import InputError, NotFound

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

db_cli = AppGroup("db", help="Database migrations.")
portal_cli = AppGroup("portal", help="Organisations, accounts, tokens and demo data.")


@contextmanager
def command_transaction() -> Iterator[Session]:
    """One transaction per command; bad input prints one line, exits 1 and stores nothing."""
    try:
        with database().transaction() as session:
            yield session
    except InputError as error:
        raise click.ClickException(str(error)) from None
    except NotFound as error:
        raise click.ClickException(f"not found: {error}") from None


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Revision files start with their date, so the folder lists them in the order they were made.
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = url
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the database migrations."""
    from alembic import command

    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"database at revision {revision}")


@portal_cli.command("create-org")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", required=True, help="unv, un_entity, member_state, cso, ...")
@click.option("--country", default=None, help="ISO 3166 alpha-3")
def create_org(code: str, name: str, kind: str, country: str | None) -> None:
    """Add an organisation."""
    with command_transaction() as session:
        org = accounts.add_organisation(session, None, code, name, kind, country)
        click.echo(f"organisation {org.code} created")


@portal_cli.command("merge-orgs")
@click.argument("duplicate_code")
@click.argument("keep_code")
def merge_orgs(duplicate_code: str, keep_code: str) -> None:
    """Merge a duplicate organisation into another: its users, offices and records move to it."""
    with command_transaction() as session:
        duplicate = accounts.organisation_by_code(session, duplicate_code)
        keep = accounts.organisation_by_code(session, keep_code)
        moved = organisations.merge_organisations(session, None, duplicate.id, keep.id)
    counts = ", ".join(f"{name} {count}" for name, count in moved.items())
    click.echo(f"organisation {duplicate_code} merged into {keep_code} ({counts})")


@portal_cli.command("create-user")
@click.argument("email")
@click.option("--role", required=True, help="admin, staff, partner or contributor")
@click.option("--org", "org_code", default=None, help="organisation code")
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def create_user(
    email: str, role: str, org_code: str | None, name: str, password_stdin: bool
) -> None:
    """Add a user account."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with command_transaction() as session:
        user = accounts.add_user(
            session,
            None,
            email,
            role,
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            org_code=org_code,
            name=name,
            password=password,
        )
        click.echo(f"user {user.email} created with role {user.role}")


@portal_cli.command("create-token")
@click.argument("email")
@click.option("--label", default="command line")
def create_token(email: str, label: str) -> None:
    """Print a new API token for that user (shown this once)."""
    with command_transaction() as session:
        owner = accounts.existing_user(session, email)
        token = tokens.create_api_token(session, None, owner, label)
    click.echo(token)


@portal_cli.command("demo")
def demo() -> None:
    """Load the demo data set (running it again changes nothing)."""
    from portal.demo import load_demo

    try:
        accounts_text = load_demo(current_app._get_current_object())  # type: ignore[attr-defined]
    except InputError as error:
        raise click.ClickException(str(error)) from None
    click.echo(accounts_text)


def register_demo_loader(app: Flask, loader: Callable[[Session, Flask], None]) -> None:
    """A feature adds its part of the demo data (called in registration order)."""
    app.extensions.setdefault("portal_demo_loaders", []).append(loader)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(portal_cli)
