"""Backup and restore: a populated instance comes back table by table and byte by byte, on SQLite
and PostgreSQL and across them; damaged backups and non-empty targets are refused untouched."""

from __future__ import annotations

import gzip
import io
import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import JSON, create_engine, null, select, text, update
from sqlalchemy.engine import make_url

from knowledge import products, uploads
from knowledge.demo import minimal_pdf
from portal import backup as backup_module
from portal import create_app
from portal import restore as restore_module
from portal.backup import take_backup
from portal.backup_format import BackupError, read_manifest
from portal.cli import alembic_config
from portal.db import Base, database, import_models
from portal.restore import restore_backup
from surveys import campaigns
from surveys.models import Invitation
from surveys.sending import send_invitations
from tests.conftest import FAST_HASH, PG_URL
from tests.factories import make_org, make_user
from tests.integration.knowledge.conftest import product_input
from tests.integration.results.builders import campaign, invite, respond
from tests.integration.surveys.builders import answers_for

ROOT = Path(__file__).resolve().parents[3]
PG = pytest.param(
    "postgresql",
    marks=[
        pytest.mark.postgres,
        pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set"),
    ],
)
BACKENDS = ["sqlite", PG]
# Each test builds a populated instance (campaign, products with extracted PDFs): seconds each.
pytestmark = pytest.mark.slow

MakeInstance = Callable[..., Flask]


@pytest.fixture
def make_instance(tmp_path: Path) -> Iterator[MakeInstance]:
    """make_instance(backend, name, migrate=True): a new app on a new database and data folder."""
    made: list[tuple[Flask, str | None]] = []

    def make(backend: str, name: str, *, migrate: bool = True) -> Flask:
        folder = tmp_path / name
        schema = None
        if backend == "sqlite":
            url = f"sqlite:///{folder / 'portal.db'}"
        else:
            schema = f"backup_{name}_{os.getpid()}_{secrets.token_hex(3)}"
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            admin.dispose()
            url = (
                make_url(PG_URL)
                .update_query_dict({"options": f"-csearch_path={schema}"})
                .render_as_string(hide_password=False)
            )
        folder.mkdir()
        if migrate:
            command.upgrade(alembic_config(url), "head")
        app = create_app(instance_config(folder, url))
        made.append((app, schema))
        return app

    yield make
    for app, schema in made:
        database(app).engine.dispose()
        if schema:
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def instance_config(folder: Path, url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "PORTAL_DATA_DIR": str(folder / "data"),
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "BASE_URL": "https://portal.example.org",
        "SMTP_URL": "",
    }


def populate(app: Flask) -> None:
    """Organisations, accounts, a campaign with responses and queued mail, products with files,
    and JSON columns holding SQL NULL, JSON null and nested values."""
    store = uploads.FileStore.of(app.config)
    with app.app_context(), database(app).transaction() as session:
        ministry = make_org(
            session, "member_state", name="Ministère de la Jeunesse — 青年", country="SEN"
        )
        staff = make_user(session, "staff", org=make_org(session, "unv"))
        make_user(session, "partner")
        make_user(session, "contributor", org=ministry)
        exit_survey = campaign(session, "volunteer_exit", 2025)
        definition = campaigns.campaign_definition(exit_survey)
        for _ in range(3):
            respond(session, exit_survey, answers_for(definition))
        invite(session, exit_survey, 4)
        send_invitations(session, staff, exit_survey.id, valid_days=30)
        for number in range(3):
            pdf = minimal_pdf(f"Volontariat {number}", ["Les volontaires soutiennent les plans."])
            products.create_product(
                session,
                staff,
                product_input(countries=("SEN",), sdgs=(4, 8)),
                organisation_id=ministry.id,
                status="published",
                file=uploads.IncomingFile(store, f"rapport-{number}.pdf", io.BytesIO(pdf)),
            )
    with database(app).engine.begin() as connection:
        ids = list(
            connection.scalars(
                select(Invitation.id).where(Invitation.used_at.is_(None)).order_by(Invitation.id)
            )
        )
        values = [null(), JSON.NULL, {"q1": ["a", "é"], "n": 1.25, "none": None}]
        for invitation_id, value in zip(ids, values, strict=False):
            connection.execute(
                update(Invitation)
                .where(Invitation.id == invitation_id)
                .values(partial_answers=value)
            )


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, JSON columns with whether they are SQL NULL."""
    import_models()
    found = {}
    with database(app).engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            flags = [c.is_(None) for c in table.columns if isinstance(c.type, JSON)]
            query = select(*table.columns, *flags).order_by(*table.primary_key.columns)
            found[table.name] = [tuple(row) for row in connection.execute(query)]
    return found


def stored_files(app: Flask) -> dict[str, bytes]:
    root = Path(app.config["PORTAL_DATA_DIR"]) / "files"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def total_rows(app: Flask) -> int:
    return sum(len(rows) for rows in snapshot(app).values())


def data_dir(app: Flask) -> Path:
    return Path(app.config["PORTAL_DATA_DIR"])


@pytest.mark.parametrize("target_backend", BACKENDS)
@pytest.mark.parametrize("source_backend", BACKENDS)
def test_a_restored_instance_equals_its_source_table_by_table_and_byte_by_byte(
    make_instance: MakeInstance, tmp_path: Path, source_backend: str, target_backend: str
) -> None:
    source = make_instance(source_backend, "source")
    populate(source)
    summary = take_backup(database(source), data_dir(source), tmp_path / "backup")
    before = snapshot(source)
    assert summary.rows == {name: len(rows) for name, rows in before.items()}
    assert min(summary.rows[n] for n in ("survey_response", "outbox_message", "audit_event")) > 0
    assert summary.files == 3 == len(stored_files(source))

    # An empty target: no table at all, so the restore migrates it first.
    target = make_instance(target_backend, "target", migrate=False)
    restored = restore_backup(database(target), data_dir(target), tmp_path / "backup")

    after = snapshot(target)
    assert restored.rows == summary.rows
    for name, rows in before.items():
        if name == "audit_event":
            assert after[name][:-1] == rows
        else:
            assert after[name] == rows, name
    last = after["audit_event"][-1]
    assert last[2:6] == (None, "portal.restored", "instance", None)
    assert stored_files(target) == stored_files(source)
    # Ids go on after the restored ones (PostgreSQL sequences were moved past them).
    with database(target).transaction() as session:
        new = make_org(session, "cso")
        session.flush()
        assert new.id > max(row[0] for row in before["organisation"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_tampered_file_is_named_and_nothing_is_restored(
    make_instance: MakeInstance, tmp_path: Path, backend: str
) -> None:
    source = make_instance(backend, "source")
    populate(source)
    take_backup(database(source), data_dir(source), tmp_path / "backup")
    manifest = read_manifest(tmp_path / "backup")
    member = next(name for name in manifest["sha256"] if name.startswith("files/"))
    damaged = tmp_path / "backup" / member
    damaged.write_bytes(damaged.read_bytes() + b" ")

    target = make_instance(backend, "target")
    with pytest.raises(BackupError, match=f"{damaged}: checksum mismatch"):
        restore_backup(database(target), data_dir(target), tmp_path / "backup")
    assert total_rows(target) == 0
    assert stored_files(target) == {} if data_dir(target).joinpath("files").exists() else True


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_target_with_rows_is_refused_and_left_as_it_was(
    make_instance: MakeInstance, tmp_path: Path, backend: str
) -> None:
    source = make_instance(backend, "source")
    populate(source)
    take_backup(database(source), data_dir(source), tmp_path / "backup")
    target = make_instance(backend, "target")
    with database(target).transaction() as session:
        make_org(session, "cso", code="ALREADY")
    before = snapshot(target)
    with pytest.raises(BackupError, match="not empty .table organisation has rows"):
        restore_backup(database(target), data_dir(target), tmp_path / "backup")
    assert snapshot(target) == before
    assert not data_dir(target).joinpath("files").exists()


def test_a_failure_during_the_restore_leaves_the_target_empty(
    make_instance: MakeInstance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_instance("sqlite", "source")
    populate(source)
    take_backup(database(source), data_dir(source), tmp_path / "backup")
    target = make_instance("sqlite", "target")

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(restore_module, "_reset_sequences", fail)
    with pytest.raises(OSError, match="disk full"):
        restore_backup(database(target), data_dir(target), tmp_path / "backup")
    assert total_rows(target) == 0
    assert [p.name for p in data_dir(target).iterdir()] in ([], ["search"])


def test_a_backup_at_another_revision_or_of_another_format_is_refused(
    make_instance: MakeInstance, tmp_path: Path
) -> None:
    source = make_instance("sqlite", "source")
    take_backup(database(source), data_dir(source), tmp_path / "backup")
    path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(path.read_text())
    target = make_instance("sqlite", "target")
    for change, message in [
        ({"alembic_revision": "0001"}, "the backup is at revision 0001, this code at "),
        ({"version": 99}, "backup format version 99"),
        ({"sha256": manifest["sha256"] | {"../escape": "0"}}, "unsafe path '../escape'"),
        ({"tables": [{"name": "organisation"}]}, "tables do not match this code"),
        ({"tables": [{"name": e["name"]} for e in manifest["tables"]]}, "columns of table "),
        ({"sha256": 7}, "manifest.json: malformed"),
    ]:
        path.write_text(json.dumps(manifest | change))
        with pytest.raises(BackupError, match=message):
            restore_backup(database(target), data_dir(target), tmp_path / "backup")
    assert total_rows(target) == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backup_during_writes_is_one_consistent_snapshot(
    make_instance: MakeInstance, tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_instance(backend, "source")
    populate(source)
    counts = {name: len(rows) for name, rows in snapshot(source).items()}
    written = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        # Parents and children in one transaction each, after the snapshot began.
        try:
            for number in range(20):
                with database(source).transaction() as session:
                    org = make_org(session, "cso", code=f"LATE{number}")
                    make_user(session, "contributor", org=org)
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        written.set()

    dump_table = backup_module._dump_table  # noqa: SLF001 - the seam between two tables

    def dump_then_let_writes_in(connection: Any, table: Any, path: Path) -> tuple[int, str]:
        result = dump_table(connection, table, path)
        if not written.is_set():
            threading.Thread(target=writer).start()
            assert written.wait(60)
        return result

    monkeypatch.setattr(backup_module, "_dump_table", dump_then_let_writes_in)
    summary = take_backup(database(source), data_dir(source), tmp_path / "backup")
    assert errors == []
    assert summary.rows == counts
    assert total_rows(source) == sum(counts.values()) + 40
    for entry in read_manifest(tmp_path / "backup")["tables"]:
        with gzip.open(tmp_path / "backup" / entry["file"]) as lines:
            assert sum(1 for _ in lines) == entry["rows"] == counts[entry["name"]]


def test_an_existing_folder_is_refused_and_a_failed_backup_leaves_no_folder(
    make_instance: MakeInstance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_instance("sqlite", "source")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(BackupError, match="exists and is not an empty folder"):
        take_backup(database(source), data_dir(source), tmp_path / "used")

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(backup_module, "_copy_files", fail)
    with pytest.raises(OSError, match="disk full"):
        take_backup(database(source), data_dir(source), tmp_path / "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source", "used"]


def test_a_database_not_at_the_code_revision_is_not_backed_up(
    make_instance: MakeInstance, tmp_path: Path
) -> None:
    source = make_instance("sqlite", "source")
    with database(source).engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    with pytest.raises(BackupError, match="the database is at revision 0001, this code at"):
        take_backup(database(source), data_dir(source), tmp_path / "backup")
    assert not (tmp_path / "backup").exists()


def test_the_commands_back_up_and_restore_and_print_counts_only(
    make_instance: MakeInstance, tmp_path: Path
) -> None:
    source = make_instance("sqlite", "source")
    populate(source)
    emails = [row[1] for row in snapshot(source)["user_account"]]

    def run(folder: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "PORTAL_INSTANCE": str(tmp_path / folder / "instance"),
            "PORTAL_DATA_DIR": str(tmp_path / folder / "data"),
            "DATABASE_URL": f"sqlite:///{tmp_path / folder / 'portal.db'}",
            "SECRET_KEY": "test-secret-key",
            "PORTAL_LOG_LEVEL": "WARNING",
        }
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "portal", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    backed = run("source", "backup", "--out", str(tmp_path / "backup"))
    assert backed.returncode == 0, backed.stderr
    assert f"backup written to {tmp_path / 'backup'}: revision " in backed.stdout
    assert ", 3 files (" in backed.stdout
    (tmp_path / "target").mkdir()
    restored = run("target", "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    manifest = read_manifest(tmp_path / "backup")
    rows = sum(entry["rows"] for entry in manifest["tables"])
    assert (
        f"restored revision {manifest['alembic_revision']}: {rows} rows in"
        f" {len(manifest['tables'])} tables, 3 files"
    ) in restored.stdout
    assert "search index: index built with products: 3" in restored.stdout
    again = run("target", "restore", str(tmp_path / "backup"))
    assert again.returncode == 1
    assert "holds files already" in again.stderr and "nothing was restored" in again.stderr
    for output in (backed.stdout, backed.stderr, restored.stdout, restored.stderr, again.stderr):
        assert not any(email in output for email in emails)
