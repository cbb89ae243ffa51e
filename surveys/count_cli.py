"""`flask surveys counts-rebuild` and `counts-check`: the answer counts behind the indicators."""

from __future__ import annotations

import click

from portal.cli import command_transaction
from surveys.answer_recount import check_counts, rebuild_counts
from surveys.cli import surveys_cli

_SHOWN = 20  # differences printed by counts-check


@surveys_cli.command("counts-rebuild")
@click.option("--year", type=int, default=None, help="one reporting year (default: every year)")
def counts_rebuild(year: int | None) -> None:
    """Recount the answer counts from the stored responses, replacing the table's rows."""
    with command_transaction() as session:
        rows = rebuild_counts(session, None, year)
    scope = f"reporting year {year}" if year is not None else "every reporting year"
    click.echo(f"answer counts of {scope} rebuilt: {rows} rows")


@surveys_cli.command("counts-check")
@click.option("--year", type=int, default=None, help="one reporting year (default: every year)")
def counts_check(year: int | None) -> None:
    """Compare the answer counts with a recount from the stored responses; exit 1 if they differ."""
    with command_transaction() as session:
        differences = check_counts(session, year)
    if not differences:
        click.echo("answer counts equal the recount")
        return
    for difference in differences[:_SHOWN]:
        campaign, reporting_year, question, code, known, member, organisation = difference.key
        click.echo(
            f"campaign {campaign} year {reporting_year} question {question or '(responses)'}"
            f" code {code or '(any)'} cell {known}/{member} organisation {organisation}:"
            f" stored {difference.stored}, recounted {difference.recounted}"
        )
    raise click.ClickException(
        f"{len(differences)} answer counts differ from the recount;"
        " run `flask surveys counts-rebuild`"
    )
