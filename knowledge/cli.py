"""The `flask knowledge ...` command group: catalogue import (the search index adds its own)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from knowledge import imports, uploads
from portal.cli import command_transaction

knowledge_cli = AppGroup("knowledge", help="Knowledge products: catalogue import and search index.")


@knowledge_cli.command("import")
@click.argument(
    "csv_path", metavar="PRODUCTS.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--files-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="folder holding the files named in the file column",
)
def import_products(csv_path: Path, files_dir: Path | None) -> None:
    """Bulk-load knowledge products from a CSV file: all rows or none."""
    store = uploads.FileStore.of(current_app.config)
    with command_transaction() as session:
        created = imports.import_catalogue(
            session, csv_path.read_bytes(), source=csv_path.name, store=store, files_dir=files_dir
        )
        count = len(created)
    click.echo(f"{count} knowledge products imported from {csv_path.name}")
