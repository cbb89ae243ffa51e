"""`flask results ...`: export a year's results or its report, import targets and staff values."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.cli import command_transaction
from portal.db import utcnow
from portal.i18n import LANGUAGES
from portal.results import annex_pdf, exports, targets
from portal.results.reporting import parse_year, reporting_config, year_results

results_cli = AppGroup(
    "results", help="Results indicators: export, printable report, targets and staff values."
)


def _file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"cannot write {path}: {error.strerror}") from None


@results_cli.command("export")
@click.option("--year", "year_text", required=True, help="reporting year, e.g. 2025")
@click.option("--format", "fmt", type=click.Choice(sorted(exports.FORMATS)), required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)), default="en", show_default=True)
def export(year_text: str, fmt: str, out: str, lang: str) -> None:
    """Write the year's results (the same content as the API) to a file."""
    with command_transaction() as session:
        year = parse_year(year_text)
        payload = year_results(session, year, reporting_config(current_app, lang))
    _write(out, exports.export(payload, fmt))
    click.echo(f"{len(payload['indicators'])} indicators of {year} written to {out}")


@results_cli.command("report")
@click.option("--year", "year_text", required=True, help="reporting year, e.g. 2025")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)), default="en", show_default=True)
def report(year_text: str, out: str, lang: str) -> None:
    """Write the year's printable report (the annex of the results framework) as PDF."""
    with command_transaction() as session:
        year = parse_year(year_text)
        payload = year_results(session, year, reporting_config(current_app, lang))
    _write(out, annex_pdf.annex_pdf(payload, lang))
    click.echo(f"report of {year} ({lang}) written to {out}")


@results_cli.command("targets-import")
@click.argument("csv_file", metavar="TARGETS.csv")
def targets_import(csv_file: str) -> None:
    """Store baselines and targets (code,year,baseline,baseline_year,target); all rows or none."""
    data = _file(csv_file)
    with command_transaction() as session:
        name = Path(csv_file).name
        count = targets.import_targets(session, data, None, f"Imported from {name}", name)
    click.echo(f"{count} targets stored")


@results_cli.command("values-import")
@click.argument("csv_file", metavar="VALUES.csv")
def values_import(csv_file: str) -> None:
    """Store staff-entered values (code,year,value,source); all rows or none."""
    data = _file(csv_file)
    with command_transaction() as session:
        name = Path(csv_file).name
        count = targets.import_values(session, data, None, utcnow().date(), name)
    click.echo(f"{count} values stored")
