"""Every writer of responses and answers keeps the answer counts: a new one must say how.

The indicators read `survey_answer_count`, kept current by the code that writes `survey_response`
and `survey_answer` rows. This scan finds every function of the portal's packages that writes
those rows (constructs a `Response` or `Answer`, runs an INSERT, UPDATE or DELETE on them, deletes
or changes a counted column of an object in a function that uses them, or names their tables in
raw SQL) and fails on any writer not listed in WRITERS; each listed writer must call one of the
functions that keep the counts. A new writer: keep the counts in its transaction
(`surveys.answer_counts`, `surveys.answer_recount.uncount_responses`), then list it here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("portal", "surveys", "knowledge")
MODELS = {"Response", "Answer"}
DML = {"insert", "update", "delete"}
SESSION_WRITES = {"delete", "merge", "add", "add_all", "bulk_save_objects", "bulk_insert_mappings"}
# Columns a count depends on: changing one of them changes what a response counts for.
COUNTED = {
    "campaign_id", "reporting_year", "organisation_id", "gender", "category", "modality", "youth",
    "disability", "global_south", "africa", "sids", "ldc", "lldc", "refugee", "question_key",
    "value_code", "response_id",
}  # fmt: skip
RAW_SQL = re.compile(r"(insert\s+into|update|delete\s+from)\s+\"?survey_(response|answer)\b", re.I)
KEEPERS = {"count_response", "AnswerTally", "move_organisation", "uncount_responses"}
# module::function -> why its writes keep the counts
WRITERS = {
    "surveys/answering.py::submit_response": "counts the response it stores (count_response)",
    "surveys/organisations.py::merge_organisation_rows": "moves the counts (move_organisation)",
    "surveys/imported_responses.py::insert_imported_responses": (
        "counts each response it stores into the import's tally (count_response)"
    ),
}


def _model_names(tree: ast.Module) -> set[str]:
    """The local names of surveys.models' Response and Answer in a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "surveys.models":
            names |= {alias.asname or alias.name for alias in node.names if alias.name in MODELS}
    return names


def _called(node: ast.Call) -> str | None:
    function = node.func
    if isinstance(function, ast.Name):
        return function.id
    return function.attr if isinstance(function, ast.Attribute) else None


def _why_writer(function: ast.AST, models: set[str]) -> str | None:
    """What makes the function a writer of responses or answers, or None."""
    names = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
    uses_models = bool(names & models)
    for node in ast.walk(function):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if RAW_SQL.search(node.value):
                return "raw SQL"
        if isinstance(node, ast.Assign) and uses_models:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in COUNTED:
                    return f"sets .{target.attr}"
        if not isinstance(node, ast.Call):
            continue
        called = _called(node)
        first = node.args[0] if node.args else None
        if isinstance(node.func, ast.Name) and called in models:
            return f"constructs {called}"
        if called in DML and isinstance(node.func, ast.Name) and first is not None:
            if isinstance(first, ast.Name) and (first.id in models or uses_models):
                return f"{called}({first.id})"
            # insert(Response.__table__), insert(_table(Response)): the model's table, via Core.
            inside = {n.id for n in ast.walk(first) if isinstance(n, ast.Name)} & models
            if inside:
                return f"{called}(table of {sorted(inside)[0]})"
        if called in SESSION_WRITES and isinstance(node.func, ast.Attribute) and uses_models:
            if called in ("delete", "merge", "bulk_save_objects", "bulk_insert_mappings"):
                return f"session.{called}"
    return None


def _statements(tree: ast.Module, models: set[str]) -> tuple[set[str], set[str]]:
    """Module-level names standing for the models' tables (`_ANSWERS = Answer.__table__`), and
    those holding a writing statement built once (`_STORED = insert(_ANSWERS)`)."""
    tables, statements = set(models), set()
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = {target.id for target in targets if isinstance(target, ast.Name)}
        if _why_writer(node, tables) is not None:
            statements |= names
        elif {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)} & tables:
            tables |= names
    return tables, statements


def writers(source: str, module: str) -> dict[str, str]:
    """module::function -> why it writes, for every writing function of one module's source."""
    tree = ast.parse(source)
    models, statements = _statements(tree, _model_names(tree))
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            why = _why_writer(node, models)
            runs = sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & statements)
            if why is None and runs:
                why = f"runs {runs[0]}"
            if why is not None:
                found[f"{module}::{node.name}"] = why
    return found


def _modules() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts:
                yield str(relative), path.read_text(encoding="utf-8")


def _functions(source: str) -> dict[str, ast.AST]:
    tree = ast.parse(source)
    return {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_every_writer_of_responses_or_answers_is_known_to_keep_the_counts() -> None:
    found: dict[str, str] = {}
    for module, source in _modules():
        found.update(writers(source, module))
    unknown = {name: why for name, why in found.items() if name not in WRITERS}
    assert unknown == {}, (
        "these functions write responses or answers: keep the answer counts in the same"
        " transaction (surveys.answer_counts) and list them in WRITERS"
    )
    assert set(WRITERS) <= set(found), "a listed writer no longer writes: update WRITERS"


def test_each_listed_writer_calls_what_keeps_the_counts() -> None:
    sources = dict(_modules())
    for name in WRITERS:
        module, function = name.split("::")
        body = _functions(sources[module])[function]
        called = {_called(node) for node in ast.walk(body) if isinstance(node, ast.Call)}
        assert called & KEEPERS, f"{name} writes responses but keeps no count"


def test_the_scan_finds_new_writers_of_every_kind() -> None:
    source = """
from sqlalchemy import delete, text, update
from surveys.models import Answer, Response as Stored

def purge(session, ids):
    session.execute(delete(Stored).where(Stored.id.in_(ids)))

def forget(session, response):
    session.delete(response)
    return Stored

def regroup(session, response):
    response.gender = "female"
    return Stored

def wipe(session):
    session.execute(text("DELETE FROM survey_answer WHERE question_key = 'x'"))

def copy(session, rows):
    return [Answer(**row) for row in rows]

def generic(session):
    for model in (Stored,):
        session.execute(update(model).values(reporting_year=2020))

def reader(session):
    return session.scalars(Stored.__table__.select()).all()

_ANSWERS = cast(Table, Answer.__table__)
_STORED = insert(_ANSWERS)

def store(session, rows):
    session.execute(_STORED, rows)

def count(session):
    return session.scalar(select(func.count()).select_from(_ANSWERS))
"""
    assert writers(source, "example.py") == {
        "example.py::purge": "delete(Stored)",
        "example.py::forget": "session.delete",
        "example.py::regroup": "sets .gender",
        "example.py::wipe": "raw SQL",
        "example.py::copy": "constructs Answer",
        "example.py::generic": "update(model)",
        "example.py::store": "runs _STORED",
    }
