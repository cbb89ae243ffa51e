"""`flask surveys form-import` and `form-export`: XLSForms in and out, through `form_versions`."""

from __future__ import annotations

from pathlib import Path

import click

from portal.cli import command_transaction
from surveys.cli import surveys_cli
from surveys.form_versions import FormImport, export_form, import_form
from surveys.forms_sheets import FormRejected


def describe(result: FormImport) -> str:
    """One line saying what became of an imported form."""
    size = f"{result.pages} pages, {result.questions} questions"
    if result.outcome == "unchanged":
        return f"{result.key}: already version {result.version} (same content); nothing stored"
    if result.outcome == "dry_run":
        return f"{result.key} version {result.version} would be stored ({size}); nothing stored"
    return f"{result.key} version {result.version} stored ({size})"


@surveys_cli.command("form-import")
@click.argument("form", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="check the form and say what would be stored")
def form_import(form: Path, dry_run: bool) -> None:
    """Load an XLSForm as a new version of its survey (settings form_id and version)."""
    try:
        data = form.read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {form}: {error.strerror}") from None
    try:
        with command_transaction() as session:
            result = import_form(session, None, data, form.name, dry_run=dry_run)
            if dry_run:
                session.rollback()
    except FormRejected as error:
        found = [str(problem) for problem in error.problems]
        listed = f" {found[0]}" if len(found) == 1 else "".join(f"\n  {p}" for p in found)
        raise click.ClickException(f"{form.name} refused, nothing stored:{listed}") from None
    click.echo(describe(result))


@surveys_cli.command("form-export")
@click.argument("key")
@click.option("--version", type=int, default=None, help="a stored version (default: the newest)")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
def form_export(key: str, version: int | None, out: Path) -> None:
    """Write a survey definition as an XLSForm that form-import reads back unchanged."""
    with command_transaction() as session:
        data = export_form(session, key, version)
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(out)
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror}") from None
    click.echo(f"{key} written to {out}")
