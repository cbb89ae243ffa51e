"""The database layer: SQLite under concurrent writers, and migrations that match the models."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from portal.db import Base, database
from portal.models import Organisation


def test_concurrent_read_then_write_transactions_never_hit_database_is_locked(app) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                with database(app).transaction() as session:
                    count = session.scalar(select(func.count()).select_from(Organisation))
                    session.add(Organisation(code=f"W{n}-{i}-{count}", name="x", kind="cso"))
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 80


def test_check_constraints_refuse_unknown_codes_in_the_database(app) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), database(app).transaction() as session:
        session.add(Organisation(code="BAD", name="x", kind="club"))


def test_migrations_build_the_same_schema_as_the_models(tmp_path) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    from portal.cli import alembic_config
    from portal.db import import_models

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    command.upgrade(alembic_config(url), "head")
    import_models()
    engine = create_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set")
def test_migrations_build_the_same_schema_on_postgresql() -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from portal.cli import alembic_config
    from portal.db import import_models

    base = os.environ["TEST_DATABASE_URL"]
    schema = f"migrations_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        command.upgrade(alembic_config(url.render_as_string(hide_password=False)), "head")
        import_models()
        engine = create_engine(url)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        engine.dispose()
        assert diff == []
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_a_database_error_logged_names_no_value_that_was_sent(app, session) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    from portal.logs import redact
    from tests.factories import make_org

    make_org(session, code="PRIVATE-VALUE-1")
    make_org(session, code="PRIVATE-VALUE-2")
    session.commit()
    with pytest.raises(IntegrityError) as error:
        session.execute(
            Organisation.__table__.update()
            .where(Organisation.code == "PRIVATE-VALUE-2")
            .values(code="PRIVATE-VALUE-1")
        )
    session.rollback()
    message = str(error.value)
    assert "SQL parameters hidden" in message
    # PostgreSQL's own DETAIL line repeats the key; the log redaction withholds it.
    assert "PRIVATE-VALUE" not in redact(message)
