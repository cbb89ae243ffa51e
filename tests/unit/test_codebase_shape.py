"""The shape the code promises: short modules that say what they are for, thin views."""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "surveys", "knowledge")
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 25
ROUTE_DECORATORS = ("route", "get", "post", "put", "patch", "delete")
# Imports inside functions that are there for cost, not to dodge a cycle (a comment says why).
LAZY_IMPORTS_ALLOWED = {"jieba"}


def _tracked_python() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:  # not a git checkout (an unpacked archive): walk the tree instead
        return [p for p in ROOT.rglob("*.py") if ".venv" not in p.parts]
    return [ROOT / line for line in listed.stdout.splitlines()]


def _package_modules() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _is_view(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS:
            return True
    return False


def test_no_module_outside_migrations_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _tracked_python()
        if "migrations" not in path.relative_to(ROOT).parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_starts_by_saying_what_it_is_for(package: str) -> None:
    silent = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.read_text(encoding="utf-8").strip()
        and ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]
    assert silent == []


def test_no_view_function_is_over_25_lines() -> None:
    fat = {}
    for path in _package_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and _is_view(node):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_VIEW_LINES:
                    fat[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert fat == {}


def test_the_search_package_imports_at_module_level_only() -> None:
    late = []
    for path in sorted((ROOT / "knowledge" / "search").rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                late += [
                    f"{path.relative_to(ROOT)}:{function.name} imports {name}"
                    for name in names
                    if name.split(".")[0] not in LAZY_IMPORTS_ALLOWED
                ]
    assert late == []


def test_the_one_translation_marker_is_defined_once() -> None:
    definitions = [
        str(path.relative_to(ROOT))
        for path in _package_modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name == "N_"
    ]
    assert definitions == ["portal/markers.py"]
