"""The audit trail of targets and values: the same row whichever door stored them."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.models import AuditEvent, User
from portal.results.models import IndicatorTarget, StaffValue
from tests.conftest import csrf_from

TARGETS = "code,year,baseline,baseline_year,target\n1.2.1,2024,0.91,2017,0.9\n2.1,2025,,,45\n"
VALUES = "code,year,value,source,national\n2.1,2024,56,ERP extract,31\n1.1.1,2024,165,HR,\n"


def _rows(session: Session, action: str) -> list[tuple[Any, ...]]:
    session.rollback()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    return [(e.actor_id, e.action, e.object_type, e.object_id, e.details) for e in events]


def _forget(session: Session, *models: type) -> None:
    session.rollback()
    for model in (AuditEvent, *models):
        session.execute(delete(model))
    session.commit()


def _web_import(client: FlaskClient, path: str, text: str) -> None:
    response = client.post(
        path,
        data={"csrf_token": csrf_from(client, "/results/data"),
              "file": (io.BytesIO(text.encode()), "upload.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("command", "path", "text", "action", "model"),
    [
        ("targets-import", "/results/targets/import", TARGETS, "results.targets_imported",
         IndicatorTarget),
        ("values-import", "/results/values/import", VALUES, "results.values_imported", StaffValue),
    ],
)  # fmt: skip
def test_cli_and_web_import_write_the_same_audit_row_apart_from_the_actor(
    session: Session,
    runner: FlaskCliRunner,
    signed_in: Callable[..., FlaskClient],
    tmp_path: Path,
    command: str,
    path: str,
    text: str,
    action: str,
    model: type,
) -> None:
    file = tmp_path / "upload.csv"
    file.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["results", command, str(file)])
    assert result.exit_code == 0, result.output
    [from_cli] = _rows(session, action)
    _forget(session, model)

    client = signed_in("staff")
    _web_import(client, path, text)
    [from_web] = _rows(session, action)

    staff = session.scalars(select(User).where(User.role == "staff")).one()
    assert from_cli == (None, action, "indicator", None, {"rows": 2})
    assert from_web == (staff.id, *from_cli[1:])


def test_target_form_writes_one_audit_row_naming_the_indicator_and_year(
    session: Session, signed_in: Callable[..., FlaskClient]
) -> None:
    client = signed_in("staff")
    token = csrf_from(client, "/results/1.2?year=2024")

    response = client.post(
        "/results/1.2/target?year=2024",
        data={"csrf_token": token, "year": "2024", "target": "85%", "baseline": "",
              "baseline_year": "", "source": "Board decision"},
    )  # fmt: skip

    assert response.status_code == 302
    staff = session.scalars(select(User).where(User.role == "staff")).one()
    assert _rows(session, "results.target_set") == [
        (staff.id, "results.target_set", "indicator", None, {"code": "1.2", "year": 2024})
    ]


def test_value_form_writes_one_audit_row_naming_the_indicator_and_year(
    session: Session, signed_in: Callable[..., FlaskClient]
) -> None:
    client = signed_in("staff")
    token = csrf_from(client, "/results/2.1?year=2024")

    response = client.post(
        "/results/2.1/value?year=2024",
        data={"csrf_token": token, "year": "2024", "value": "50", "source": "ERP"},
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    staff = session.scalars(select(User).where(User.role == "staff")).one()
    assert _rows(session, "results.value_set") == [
        (staff.id, "results.value_set", "indicator", None, {"code": "2.1", "year": 2024})
    ]


def test_a_refused_import_writes_no_audit_row(
    session: Session, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    file = tmp_path / "bad.csv"
    file.write_text("code,year,baseline,baseline_year,target\nx,2024,,,1\n", encoding="utf-8")

    result = runner.invoke(args=["results", "targets-import", str(file)])

    assert result.exit_code == 1
    assert "bad.csv: Line 2, column code: x is not an indicator" in result.output
    assert _rows(session, "results.targets_imported") == []
