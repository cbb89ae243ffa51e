"""Bulk import of an existing catalogue of knowledge products from CSV: all rows or none.

Columns (CONTRACT.md): title, abstract, product_type, language, publication_date, organisation,
countries, sdgs, status, volunteering_integrated, url, file. Every row is checked (files
included) before anything is stored; a bad row is reported by line number and column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import products, uploads
from knowledge.files import UploadRejected, check_upload
from knowledge.models import KnowledgeProduct
from portal.errors import InputError
from portal.models import Organisation

COLUMNS = (
    "title",
    "abstract",
    "product_type",
    "language",
    "publication_date",
    "organisation",
    "countries",
    "sdgs",
    "status",
    "volunteering_integrated",
    "url",
    "file",
)
REQUIRED = ("title", "product_type", "language", "publication_date", "organisation")
IMPORT_STATES = ("published", "submitted", "rejected")
IMPORTED_REJECTION = "Rejected before the catalogue was imported."
MAX_REPORTED = 10


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class ImportFailed(InputError):
    """The file has problems; nothing was imported. `problems` lists every one found."""

    def __init__(self, source: str, problems: list[ImportProblem]) -> None:
        shown = "; ".join(str(problem) for problem in problems[:MAX_REPORTED])
        more = len(problems) - MAX_REPORTED
        if more > 0:
            shown += f"; and {more} more"
        super().__init__(
            "%(count)s problem(s) in %(source)s, nothing imported: %(details)s",
            count=len(problems),
            source=source,
            details=shown,
        )
        self.problems = problems


@dataclass(frozen=True)
class CatalogueRow:
    line: int
    data: products.ProductInput
    organisation_id: int
    status: str
    file: Path | None


class _RowProblem(Exception):  # noqa: N818 - carries one problem out of the row parser
    def __init__(self, column: str, message: str) -> None:
        self.problem = (column, message)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _date(cell: str) -> date:
    try:
        return date.fromisoformat(cell.strip())
    except ValueError:
        raise _RowProblem("publication_date", f"{cell!r} is not a date (YYYY-MM-DD)") from None


def _sdgs(cell: str) -> tuple[int, ...]:
    numbers = []
    for part in _split(cell):
        if not part.isdigit():
            raise _RowProblem("sdgs", f"{part!r} is not an SDG number (1 to 17)")
        numbers.append(int(part))
    return tuple(numbers)


def _flag(cell: str) -> bool | None:
    text = cell.strip().lower()
    if text not in ("", "yes", "no"):
        raise _RowProblem("volunteering_integrated", f"{cell!r} is neither yes nor no")
    return None if not text else text == "yes"


def _file(cell: str, files_dir: Path | None, max_bytes: int) -> Path | None:
    if not cell.strip():
        return None
    if files_dir is None:
        raise _RowProblem("file", "a file is named but no --files-dir was given")
    root = files_dir.resolve()
    path = (root / cell.strip()).resolve()
    if not path.is_relative_to(root):
        raise _RowProblem("file", f"{cell!r} is outside the files directory")
    if not path.is_file():
        raise _RowProblem("file", f"{cell!r} does not exist in the files directory")
    try:
        check_upload(path, path.name, max_bytes)
    except UploadRejected as rejected:
        raise _RowProblem("file", str(rejected)) from None
    return path


def _row(
    line: int,
    cells: dict[str, str],
    organisations: dict[str, int],
    files_dir: Path | None,
    max_bytes: int,
    today: date | None,
) -> CatalogueRow:
    for column in REQUIRED:
        if not cells.get(column, "").strip():
            raise _RowProblem(column, "a value is required")
    code = cells["organisation"].strip()
    if code not in organisations:
        raise _RowProblem("organisation", f"unknown organisation code {code!r}")
    status = cells.get("status", "").strip().lower() or "published"
    if status not in IMPORT_STATES:
        raise _RowProblem("status", f"{status!r} is not one of {', '.join(IMPORT_STATES)}")
    data = products.ProductInput(
        title=cells["title"],
        abstract=cells.get("abstract", ""),
        product_type=cells["product_type"].strip(),
        language=cells["language"].strip(),
        publication_date=_date(cells["publication_date"]),
        countries=tuple(_split(cells.get("countries", ""))),
        sdgs=_sdgs(cells.get("sdgs", "")),
        url=cells.get("url", "").strip() or None,
        volunteering_integrated=_flag(cells.get("volunteering_integrated", "")),
    )
    try:
        data = products.validate_input(data, today=today)
    except products.FieldError as error:
        raise _RowProblem(error.field, str(error)) from None
    path = _file(cells.get("file", ""), files_dir, max_bytes)
    return CatalogueRow(line, data, organisations[code], status, path)


def read_catalogue(
    session: Session,
    csv_path: Path,
    *,
    files_dir: Path | None,
    max_bytes: int,
    today: date | None = None,
) -> list[CatalogueRow]:
    """Parse and check every row; raises ImportFailed listing all problems found."""
    organisations = {
        code: id_ for code, id_ in session.execute(select(Organisation.code, Organisation.id))
    }
    problems: list[ImportProblem] = []
    rows: list[CatalogueRow] = []
    start = 1
    try:
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, restkey="\x00extra")
            header = [name.strip() for name in reader.fieldnames or []]
            unknown = [name for name in header if name not in COLUMNS]
            missing = [name for name in REQUIRED if name not in header]
            if unknown or missing or len(set(header)) != len(header):
                raise ImportFailed(csv_path.name, [_header_problem(header, unknown, missing)])
            reader.fieldnames = header
            start = 2
            for cells in reader:
                if "\x00extra" in cells:
                    problems.append(ImportProblem(start, "-", "more cells than columns"))
                elif any((value or "").strip() for value in cells.values()):
                    try:
                        row = _row(
                            start,
                            {key: value or "" for key, value in cells.items()},
                            organisations,
                            files_dir,
                            max_bytes,
                            today,
                        )
                        rows.append(row)
                    except _RowProblem as error:
                        problems.append(ImportProblem(start, *error.problem))
                start = reader.line_num + 1
    except UnicodeDecodeError:
        raise ImportFailed(
            csv_path.name, [ImportProblem(1, "-", "the file is not UTF-8")]
        ) from None
    except csv.Error as error:
        raise ImportFailed(csv_path.name, [ImportProblem(start, "-", str(error))]) from None
    if problems:
        raise ImportFailed(csv_path.name, problems)
    if not rows:
        raise ImportFailed(csv_path.name, [ImportProblem(2, "-", "the file has no products")])
    return rows


def _header_problem(header: list[str], unknown: list[str], missing: list[str]) -> ImportProblem:
    if unknown:
        return ImportProblem(1, ", ".join(unknown), "unknown column(s)")
    if missing:
        return ImportProblem(1, ", ".join(missing), "required column(s) missing")
    duplicated = sorted({name for name in header if header.count(name) > 1})
    return ImportProblem(1, ", ".join(duplicated), "column(s) given twice")


def import_catalogue(
    session: Session,
    csv_path: Path,
    *,
    data_dir: Path,
    files_dir: Path | None,
    max_bytes: int,
    today: date | None = None,
) -> list[KnowledgeProduct]:
    """Create every product of the file in the caller's transaction, or raise and store nothing.

    Files are stored as each row is created; on any failure those already stored are removed
    (the caller's transaction rolls back the rows).
    """
    rows = read_catalogue(session, csv_path, files_dir=files_dir, max_bytes=max_bytes, today=today)
    stored: list[uploads.AcceptedFile] = []
    created: list[KnowledgeProduct] = []
    try:
        for row in rows:
            product = products.create_product(
                session,
                None,
                row.data,
                organisation_id=row.organisation_id,
                status=row.status,
                rejection_reason=IMPORTED_REJECTION if row.status == "rejected" else None,
                origin="import",
                today=today,
            )
            if row.file is not None:
                try:
                    accepted = uploads.accept_upload(
                        data_dir, row.file, row.file.name, max_bytes=max_bytes
                    )
                except UploadRejected as rejected:
                    problem = ImportProblem(row.line, "file", str(rejected))
                    raise ImportFailed(csv_path.name, [problem]) from None
                stored.append(accepted)
                uploads.add_file(session, None, product, accepted)
            created.append(product)
    except BaseException:
        for accepted in stored:
            uploads.discard_upload(data_dir, accepted)
        raise
    return created
