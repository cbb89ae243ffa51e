"""Bulk import of an existing catalogue of knowledge products from CSV: all rows or none.

Columns (CONTRACT.md): title, abstract, product_type, language, publication_date, organisation,
countries, sdgs, status, volunteering_integrated, url, file; and creators (knowledge.creators),
doi, licence (an SPDX id; the repository's default when empty), themes, file_language and
file_edition. The file is read by the portal's one
table reader and every row is checked (files included) before anything is stored; a file with any
bad cell is refused whole (portal.tables.Refused, naming line and column). The rows are then
stored as knowledge.products.create_product stores one, but in batches (knowledge.bulk_products),
the files checked in a bounded process pool and copied in threads (knowledge.catalogue_files).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import bulk_products, catalogue_files, file_check_pool, products, uploads
from knowledge.creators import parse_creators
from knowledge.file_check_pool import FileRefusal
from knowledge.file_rules import CheckedFile
from knowledge.product_input import ProductInput, split_themes, validate_input
from knowledge.repository_settings import default_licence
from portal.errors import FieldError
from portal.markers import N_
from portal.models import Organisation
from portal.tables import Problem, Refused, Row, read_table

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
    "creators",
    "doi",
    "licence",
    "themes",
    "file_language",
    "file_edition",
)
REQUIRED = ("title", "product_type", "language", "publication_date", "organisation")
OPTIONAL = tuple(column for column in COLUMNS if column not in REQUIRED)
IMPORT_STATES = ("published", "submitted", "rejected")
IMPORTED_REJECTION = "Rejected before the catalogue was imported."
FLAGS = {"": None, "yes": True, "no": False}
DOI_TWICE = N_("The DOI %(value)s is already given on line %(line)s.")


@dataclass(frozen=True)
class CatalogueRow:
    line: int
    data: ProductInput
    organisation_id: int
    status: str
    file: Path | None
    checked: CheckedFile | None = None
    file_edition: str | None = None
    file_language: str | None = None


class _BadCell(Exception):  # noqa: N818 - carries one problem out of the row parser
    def __init__(self, column: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.column, self.message, self.params = column, message, params


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _date(cell: str) -> date:
    try:
        return date.fromisoformat(cell.strip())
    except ValueError:
        raise _BadCell(
            "publication_date", N_("%(value)s is not a date in the form YYYY-MM-DD."), value=cell
        ) from None


def _sdgs(cell: str) -> tuple[int, ...]:
    numbers = []
    for part in _split(cell):
        if not part.isdigit():
            raise _BadCell("sdgs", N_("%(value)s is not an SDG (1 to 17)."), value=part)
        numbers.append(int(part))
    return tuple(numbers)


def _choice(column: str, cell: str, allowed: tuple[str, ...]) -> str:
    value = cell.strip().lower()
    if value not in allowed:
        raise _BadCell(
            column,
            N_("%(value)s is not one of %(allowed)s."),
            value=cell,
            allowed=", ".join(choice for choice in allowed if choice),
        )
    return value


def _file(cell: str, root: Path | None) -> Path | None:
    """The named file's path; `root` is the files directory, resolved."""
    if not cell.strip():
        return None
    if root is None:
        raise _BadCell("file", N_("A file is named but no --files-dir was given."))
    path = (root / cell.strip()).resolve()
    if not path.is_relative_to(root):
        raise _BadCell("file", N_("%(value)s is outside the files directory."), value=cell)
    if not path.is_file():
        raise _BadCell("file", N_("%(value)s does not exist in the files directory."), value=cell)
    return path


def _row(
    row: Row, organisations: dict[str, int], root: Path | None, today: date | None
) -> CatalogueRow:
    cells = row.cells
    for column in REQUIRED:
        if not cells[column]:
            raise _BadCell(column, N_("This cell must not be empty."))
    code = cells["organisation"]
    if code not in organisations:
        raise _BadCell(
            "organisation", N_("%(value)s is not a known organisation code."), value=code
        )
    status = _choice("status", cells.get("status", ""), ("", *IMPORT_STATES)) or "published"
    flag = cells.get("volunteering_integrated", "")
    flag = _choice("volunteering_integrated", flag, tuple(FLAGS))
    try:
        creators = parse_creators(cells.get("creators", ""))
        file_edition, file_language = uploads.file_details(
            cells.get("file_edition"), cells.get("file_language")
        )
    except FieldError as error:
        raise _BadCell(error.field, error.message, **error.params) from None
    data = ProductInput(
        title=cells["title"],
        abstract=cells.get("abstract", ""),
        product_type=cells["product_type"],
        language=cells["language"],
        publication_date=_date(cells["publication_date"]),
        countries=tuple(_split(cells.get("countries", ""))),
        sdgs=_sdgs(cells.get("sdgs", "")),
        url=cells.get("url", "") or None,
        volunteering_integrated=FLAGS[flag],
        creators=creators,
        doi=cells.get("doi", "") or None,
        licence=cells.get("licence", "") or None,
        themes=split_themes(cells.get("themes", "")),
    )
    try:
        data = validate_input(data, today=today)
    except FieldError as error:
        raise _BadCell(error.field, error.message, **error.params) from None
    path = _file(cells.get("file", ""), root)
    return CatalogueRow(
        row.line, data, organisations[code], status, path, None, file_edition, file_language
    )


def read_catalogue(
    session: Session,
    data: bytes,
    *,
    source: str,
    files_dir: Path | None,
    max_bytes: int,
    today: date | None = None,
    processes: int | None = None,
) -> list[CatalogueRow]:
    """Parse and check every row, files included; raises Refused naming every bad cell (one per
    row). The files of otherwise good rows are checked by content in a bounded process pool."""
    table = read_table(data, REQUIRED, OPTIONAL, source=source, xlsx=False)
    organisations = {
        code: id_ for code, id_ in session.execute(select(Organisation.code, Organisation.id))
    }
    rows: list[CatalogueRow] = []
    problems: list[Problem] = []
    root = files_dir.resolve() if files_dir is not None else None
    for row in table.rows:
        try:
            rows.append(_row(row, organisations, root, today))
        except _BadCell as bad:
            problems.append(Problem(bad.message, bad.params, row.line, bad.column))
    problems += _doi_problems(session, rows)
    with_files = [(at, row.file) for at, row in enumerate(rows) if row.file is not None]
    checks = file_check_pool.check_files([path for _, path in with_files], max_bytes,
                                         processes=processes)  # fmt: skip
    for (at, _), check in zip(with_files, checks, strict=True):
        if isinstance(check, FileRefusal):
            problems.append(Problem(check.message, check.params, rows[at].line, "file"))
        else:
            rows[at] = replace(rows[at], checked=check)
    if problems:
        raise Refused(sorted(problems, key=lambda problem: problem.line or 0), source)
    return rows


def import_catalogue(
    session: Session,
    data: bytes,
    *,
    source: str,
    store: uploads.FileStore,
    files_dir: Path | None,
    today: date | None = None,
    processes: int | None = None,
) -> list[int]:
    """Create every product of the file in the caller's transaction, or raise and store nothing.

    The rows are those knowledge.products.create_product writes with no actor (the command
    line), inserted in batches (knowledge.bulk_products); stored files are removed again when the
    transaction does not commit. Returns the new products' ids in the file's order.
    """
    rows = read_catalogue(
        session,
        data,
        source=source,
        files_dir=files_dir,
        max_bytes=store.max_bytes,
        today=today,
        processes=processes,
    )
    to_store = [(row, row.file, row.checked) for row in rows if row.file and row.checked]
    stored = catalogue_files.store_files(
        session, store, [(path, checked) for _, path, checked in to_store]
    )
    accepted: dict[int, uploads.AcceptedFile] = {}
    problems: list[Problem] = []
    for (row, _, _), result in zip(to_store, stored, strict=True):
        if isinstance(result, FileRefusal):
            problems.append(Problem(result.message, result.params, row.line, "file"))
        else:
            accepted[row.line] = replace(
                result, edition=row.file_edition, language=row.file_language
            )
    if problems:
        raise Refused(problems, source)
    licence = default_licence(session)
    return bulk_products.insert_products(
        session,
        [
            bulk_products.NewProduct(
                row.data if row.data.licence else replace(row.data, licence=licence),
                row.organisation_id,
                row.status,
                IMPORTED_REJECTION if row.status == "rejected" else None,
                accepted.get(row.line),
            )
            for row in rows
        ],
    )


def _doi_problems(session: Session, rows: list[CatalogueRow]) -> list[Problem]:
    """A DOI names one product: one already in the catalogue, or twice in the file, is refused."""
    seen: dict[str, int] = {}
    problems = []
    taken = products.dois_taken(session, [row.data.doi for row in rows if row.data.doi])
    for row in rows:
        doi = row.data.doi
        if doi is None:
            continue
        if doi.lower() in taken:
            problems.append(Problem(products.DOI_TAKEN, {"value": doi}, row.line, "doi"))
        elif doi.lower() in seen:
            problems.append(
                Problem(DOI_TWICE, {"value": doi, "line": seen[doi.lower()]}, row.line, "doi")
            )
        seen.setdefault(doi.lower(), row.line)
    return problems
