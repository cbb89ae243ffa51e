"""`flask portal backup --out DIR` and `flask portal restore DIR`: counts only, never a datum."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from portal.backup import take_backup
from portal.backup_format import BackupError
from portal.cli import portal_cli
from portal.db import database
from portal.restore import restore_backup, restore_hooks


@click.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="new (or empty) folder to write the backup to",
)
def backup_command(out: Path) -> None:
    """Write a consistent copy of the database and every uploaded file to a new folder."""
    try:
        summary = take_backup(database(), Path(current_app.config["PORTAL_DATA_DIR"]), out)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"backup written to {summary.path}: revision {summary.revision},"
        f" {sum(summary.rows.values())} rows in {len(summary.rows)} tables,"
        f" {summary.files} files ({summary.file_bytes} bytes)"
    )


@click.command("restore")
@click.argument("backup_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(backup_dir: Path) -> None:
    """Restore a backup folder into this instance, whose database and files must be empty."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        summary = restore_backup(database(), Path(app.config["PORTAL_DATA_DIR"]), backup_dir)
    except BackupError as error:
        raise click.ClickException(f"{error}; nothing was restored") from None
    click.echo(
        f"restored revision {summary.revision}: {sum(summary.rows.values())} rows in"
        f" {len(summary.rows)} tables, {summary.files} files"
    )
    failed = []
    for name, hook, by_hand in restore_hooks(app):
        try:
            click.echo(f"{name}: {hook(app)}")
        except Exception as error:  # noqa: BLE001 - reported with what to run by hand
            failed.append(name)
            click.echo(f"{name}: failed ({type(error).__name__}); run `{by_hand}`", err=True)
    if failed:
        raise click.ClickException(
            f"the data is restored, but these steps failed: {', '.join(failed)}"
        )


def init_app(app: Flask) -> None:
    portal_cli.add_command(backup_command)
    portal_cli.add_command(restore_command)
