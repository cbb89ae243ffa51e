"""The files of a recorded response export: CSV with its codebook, ZIP, XLSX, SPSS and Stata.

A CSV has one header row, the column keys, so that pandas, R, SPSS and Stata read it as it is;
the labels are in its codebook (`NAME.codebook.csv` beside it, or in the ZIP). An XLSX workbook
keeps a second header row of labels for the people reading it, and the codebook as a sheet. SPSS
and Stata files carry the labels as variable and value labels.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from surveys import statistical_files
from surveys.anonymise import Anonymised
from surveys.campaigns import campaign_definition, get_campaign
from surveys.codebooks import codebook_rows, recoding_rows
from surveys.response_columns import Column, columns_for, free_text_columns
from surveys.response_rows import (
    Transaction,
    iter_anonymous_rows,
    iter_free_text_rows,
    iter_rows,
)
from surveys.spreadsheets import iter_csv, write_xlsx

EXPORT_FORMATS = ("csv", "xlsx", "sav", "dta", "zip")
ANONYMOUS, FREE_TEXT, IDENTIFIABLE = "anonymous", "free_text", "identifiable"
CHUNK = 256 * 1024


@dataclass(frozen=True)
class ResponseExport:
    """An export the trail has recorded: its campaign, kind, format, language, the rows it holds
    and, when anonymous or free text, their shuffled order and the anonymised snapshot."""

    campaign_id: int
    fmt: str
    locale: str
    rows: int
    up_to: int  # the last response id counted; responses stored later are not in this export
    filename: str
    kind: str = IDENTIFIABLE
    order: tuple[int, ...] = ()  # response ids (anonymous) or answer ids (free text), in order
    attributes: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    anonymised: Anonymised | None = None
    title: str = ""  # the file's label in SPSS and Stata

    @property
    def codebook_name(self) -> str:
        """The codebook's file name: the data file's, ending in .codebook.csv."""
        return codebook_name(self.filename)


def codebook_name(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return f"{stem}.codebook.csv"


def export_columns(transaction: Transaction, export: ResponseExport) -> list[Column]:
    """The columns of a recorded export's data file."""
    if export.kind == FREE_TEXT:
        return free_text_columns(export.locale)
    with transaction() as session:
        campaign = get_campaign(session, export.campaign_id)
        definition = campaign_definition(campaign)
        return columns_for(campaign, definition, export.locale, free_text=export.kind != ANONYMOUS)


def export_rows(transaction: Transaction, export: ResponseExport) -> Iterator[list[Any]]:
    """The rows of a recorded export, two header rows (keys, then labels) first."""
    if export.kind == ANONYMOUS:
        return iter_anonymous_rows(
            transaction, export.campaign_id, export.locale, export.order, export.attributes
        )
    if export.kind == FREE_TEXT:
        return iter_free_text_rows(transaction, export.campaign_id, export.locale, export.order)
    return iter_rows(transaction, export.campaign_id, export.locale, export.up_to)


def export_codebook(transaction: Transaction, export: ResponseExport) -> list[list[Any]] | None:
    """The codebook's rows (two header rows first); None for free text, which needs none."""
    if export.kind == FREE_TEXT:
        return None
    book = codebook_rows(export_columns(transaction, export), export.locale)
    if export.anonymised is None:
        return book
    return book + recoding_rows(export.anonymised, export.locale)


def one_header(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The rows without the second header row (the labels): what a CSV holds."""
    for number, row in enumerate(rows):
        if number != 1:
            yield row


def write_codebook(transaction: Transaction, export: ResponseExport, out: IO[bytes]) -> bool:
    """Write the export's codebook as CSV; False (nothing written) when it has none."""
    book = export_codebook(transaction, export)
    if book is None:
        return False
    for chunk in iter_csv(one_header(iter(book))):
        out.write(chunk)
    return True


def _write_zip(transaction: Transaction, export: ResponseExport, out: IO[bytes]) -> None:
    stem = export.filename.rsplit(".", 1)[0]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"{stem}.csv", "w", force_zip64=True) as member:
            for chunk in iter_csv(one_header(export_rows(transaction, export))):
                member.write(chunk)
        book = export_codebook(transaction, export)
        if book is not None:
            text = b"".join(iter_csv(one_header(iter(book))))
            archive.writestr(codebook_name(f"{stem}.csv"), text)


def _write_statistical(transaction: Transaction, export: ResponseExport, out: IO[bytes]) -> None:
    columns = export_columns(transaction, export)
    rows = export_rows(transaction, export)
    next(rows), next(rows)  # the header rows: the columns give keys and labels
    variables = statistical_files.collect(columns, rows, export.locale)
    notes = []  # SPSS files keep the recodings of an anonymous export as notes
    if export.anonymised is not None:
        for row in recoding_rows(export.anonymised, export.locale):
            notes.append(" ".join(str(cell) for cell in row if cell != ""))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{export.fmt}"
        statistical_files.write(export.fmt, variables, path, file_label=export.title, notes=notes)
        with path.open("rb") as handle:
            shutil.copyfileobj(handle, out, CHUNK)


def write_export(transaction: Transaction, export: ResponseExport, out: IO[bytes]) -> None:
    """Write a recorded export into a binary file (a CSV's codebook: `write_codebook`)."""
    if export.fmt == "csv":
        for chunk in iter_csv(one_header(export_rows(transaction, export))):
            out.write(chunk)
    elif export.fmt == "zip":
        _write_zip(transaction, export, out)
    elif export.fmt in statistical_files.FORMATS:
        _write_statistical(transaction, export, out)
    else:
        sheet = "free_text" if export.kind == FREE_TEXT else "responses"
        rows = export_rows(transaction, export)
        write_xlsx(rows, out, export_codebook(transaction, export), sheet=sheet)


def iter_export(transaction: Transaction, export: ResponseExport) -> Iterator[bytes]:
    """A recorded export as chunks of bytes (any format but CSV is built in a temporary file
    first)."""
    if export.fmt == "csv":
        yield from iter_csv(one_header(export_rows(transaction, export)))
        return
    with tempfile.TemporaryFile() as handle:
        write_export(transaction, export, handle)
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk
