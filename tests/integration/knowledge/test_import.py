"""`flask knowledge import`: a catalogue in CSV, all rows or none, errors by line and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from knowledge.demo import minimal_pdf
from knowledge.imports import COLUMNS
from knowledge.indicators import knowledge_indicator
from knowledge.models import KnowledgeProduct, ProductFile, SearchOutbox
from portal.models import AuditEvent
from portal.results.providers import ComputeContext
from tests.factories import make_org
from tests.integration.knowledge.conftest import count_rows, reread, stored_file_count
from tests.worker_helpers import read_texts

ROWS = [
    {
        "title": "Kenya Voluntary National Review 2024",
        "abstract": "Progress on the SDGs; the volunteerism policy is part of the plan.",
        "product_type": "vnr",
        "language": "en",
        "publication_date": "2024-07-10",
        "organisation": "KEN-GOV",
        "countries": "KEN",
        "sdgs": "1;4;17",
        "status": "",
        "volunteering_integrated": "yes",
        "url": "https://example.org/vnr",
        "file": "vnr/kenya.pdf",
    },
    {
        "title": "Guía de voluntariado corporativo",
        "abstract": "Cómo organizar programas de voluntariado en empresas.",
        "product_type": "toolkit",
        "language": "es",
        "publication_date": "2023-02-01",
        "organisation": "NGO-A",
        "countries": "ECU; PER",
        "sdgs": "8",
        "status": "submitted",
        "volunteering_integrated": "",
        "url": "",
        "file": "",
    },
    {
        "title": "Photo album",
        "abstract": "",
        "product_type": "other",
        "language": "fr",
        "publication_date": "2022-05-05",
        "organisation": "NGO-A",
        "countries": "",
        "sdgs": "",
        "status": "rejected",
        "volunteering_integrated": "",
        "url": "https://example.org/photos",
        "file": "",
    },
]


@pytest.fixture
def organisations(session) -> None:
    make_org(session, "member_state", code="KEN-GOV", country="KEN")
    make_org(session, "cso", code="NGO-A")
    session.commit()


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue-files"
    (folder / "vnr").mkdir(parents=True)
    (folder / "vnr" / "kenya.pdf").write_bytes(minimal_pdf("Kenya VNR 2024", ["Volunteerism."]))
    (folder / "page.pdf").write_bytes(b"<html><script>alert(1)</script></html>")
    return folder


def write_csv(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(runner: FlaskCliRunner, csv_path: Path, files_dir: Path | None = None) -> Result:
    args = ["knowledge", "import", str(csv_path)]
    if files_dir is not None:
        args += ["--files-dir", str(files_dir)]
    return runner.invoke(args=args)


def assert_nothing_stored(session, data_dir: Path) -> None:
    assert count_rows(session, KnowledgeProduct) == 0
    assert count_rows(session, ProductFile) == 0
    assert count_rows(session, SearchOutbox) == 0
    assert stored_file_count(data_dir) == 0


def test_import_creates_every_product_with_its_file_state_and_flag(
    app, runner, session, organisations, files_dir: Path, tmp_path: Path
) -> None:
    result = run_import(runner, write_csv(tmp_path / "products.csv", ROWS), files_dir)

    assert result.exit_code == 0, result.output
    assert "3 knowledge products imported" in result.output
    imported = {p.title: p for p in session.scalars(select(KnowledgeProduct))}
    vnr = imported["Kenya Voluntary National Review 2024"]
    assert vnr.status == "published" and vnr.published_at is not None
    assert vnr.volunteering_integrated is True
    assert vnr.countries == ["KEN"] and vnr.sdgs == [1, 4, 17]
    assert vnr.files[0].original_name == "kenya.pdf"
    assert vnr.files[0].text_status == "pending" and vnr.files[0].text is None
    toolkit = imported["Guía de voluntariado corporativo"]
    assert toolkit.status == "submitted" and toolkit.countries == ["ECU", "PER"]
    assert imported["Photo album"].status == "rejected"
    assert imported["Photo album"].rejection_reason
    upserts = session.scalars(select(SearchOutbox).where(SearchOutbox.action == "upsert")).all()
    assert {row.product_id for row in upserts} == {vnr.id}
    created = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "knowledge.product.created")
    )
    # The command line has no actor; the row is otherwise the one the web form writes.
    assert sorted((event.actor_id, event.details["status"]) for event in created) == [
        (None, "published"),
        (None, "rejected"),
        (None, "submitted"),
    ]

    # The import read no text; the worker does, and the published product is queued again.
    assert read_texts(app) == 1
    reread(session)
    assert vnr.files[0].text_status == "ok" and "Kenya VNR 2024" in (vnr.files[0].text or "")
    after = session.scalars(select(SearchOutbox).where(SearchOutbox.action == "upsert")).all()
    assert [row.product_id for row in after] == [row.product_id for row in upserts] + [vnr.id]


def test_an_empty_vnr_flag_is_stored_unknown_and_left_out_of_3_1(
    runner, session, organisations, tmp_path: Path
) -> None:
    rows = [
        {**ROWS[0], "file": "", "volunteering_integrated": ""},
        {**ROWS[0], "file": "", "countries": "ECU", "volunteering_integrated": "no"},
        {**ROWS[0], "file": "", "countries": "PER", "volunteering_integrated": "YES"},
    ]

    result = run_import(runner, write_csv(tmp_path / "vnrs.csv", rows))

    assert result.exit_code == 0, result.output
    flags = {p.countries[0]: p.volunteering_integrated for p in session.scalars(
        select(KnowledgeProduct))}  # fmt: skip
    assert flags == {"KEN": None, "ECU": False, "PER": True}
    context = ComputeContext(2024, 2022, 2025, 5, "developing_2017")
    share = knowledge_indicator(session, "3.1", {}, context)
    # Kenya's unknown flag is neither a "no" nor refused: it is left out of the denominator.
    assert (share["numerator"], share["valid_n"], share["excluded"]) == (1, 2, {"not_stated": 1})


def test_a_vnr_flag_that_is_neither_yes_nor_no_is_refused_by_line_and_column(
    runner, session, organisations, tmp_path: Path, data_dir: Path
) -> None:
    rows = [{**ROWS[0], "file": ""}, {**ROWS[0], "file": "", "volunteering_integrated": "unknown"}]

    result = run_import(runner, write_csv(tmp_path / "vnrs.csv", rows))

    assert result.exit_code == 1
    assert "Line 3, column volunteering_integrated: unknown is not one of yes, no." in result.output
    assert_nothing_stored(session, data_dir)


def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_stored(
    runner, session, organisations, files_dir: Path, tmp_path: Path, data_dir: Path
) -> None:
    rows = [
        ROWS[0],
        {**ROWS[1], "sdgs": "8;18"},
        {**ROWS[2], "organisation": "NOPE"},
        {**ROWS[1], "title": "Report", "product_type": "report", "volunteering_integrated": "yes"},
        {**ROWS[1], "publication_date": "01/02/2023"},
    ]

    result = run_import(runner, write_csv(tmp_path / "products.csv", rows), files_dir)

    assert result.exit_code == 1
    assert result.output.startswith("Error: products.csv: Line 3, column sdgs:")
    assert result.output.count("Line ") == 4
    assert "Line 3, column sdgs: 18 is not an SDG" in result.output
    assert "Line 4, column organisation: NOPE is not a known organisation code." in result.output
    assert "Line 5, column volunteering_integrated:" in result.output
    assert "Line 6, column publication_date:" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert_nothing_stored(session, data_dir)


def test_line_numbers_count_the_lines_of_multi_line_cells(
    runner, session, organisations, tmp_path: Path
) -> None:
    rows = [
        {**ROWS[1], "abstract": "First line\nsecond line\nthird line"},
        {**ROWS[1], "sdgs": "x"},
    ]

    result = run_import(runner, write_csv(tmp_path / "products.csv", rows))

    assert "Line 5, column sdgs:" in result.output


def test_unknown_column_is_named(runner, session, organisations, tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    write_csv(path, [{**ROWS[1], "colour": "red"}], columns=[*COLUMNS, "colour"])

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "Line 1: Unknown column(s): colour." in result.output
    assert count_rows(session, KnowledgeProduct) == 0


@pytest.mark.parametrize(
    ("file_cell", "message"),
    [
        ("../outside.pdf", "is outside the files directory"),
        ("missing.pdf", "does not exist in the files directory"),
        ("page.pdf", "HTML, SVG and XML files cannot be uploaded."),
    ],
)
def test_bad_file_cell_is_refused(
    runner, session, organisations, files_dir: Path, tmp_path: Path, data_dir: Path,
    file_cell: str, message: str,
) -> None:  # fmt: skip
    (files_dir.parent / "outside.pdf").write_bytes(minimal_pdf("Outside", ["x"]))
    rows = [ROWS[0], {**ROWS[1], "file": file_cell}]

    result = run_import(runner, write_csv(tmp_path / "products.csv", rows), files_dir)

    assert result.exit_code == 1
    assert "Line 3, column file:" in result.output
    assert message in result.output
    assert_nothing_stored(session, data_dir)


def test_file_named_without_a_files_directory_is_refused(
    runner, session, organisations, tmp_path: Path
) -> None:
    result = run_import(runner, write_csv(tmp_path / "products.csv", [ROWS[0]]))

    assert result.exit_code == 1
    assert "Line 2, column file: A file is named but no --files-dir was given." in result.output


def test_file_that_is_not_utf8_is_refused(runner, session, organisations, tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes(",".join(COLUMNS).encode() + b"\n\xff\xfe broken\n")

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert "not UTF-8" in result.output
