"""Generation folders of an index: the pointer to the active one, their names and versions.

``base_dir/CURRENT`` names the active generation (``gen-<time>-<random>``); a rebuild writes a
new one beside it and swaps the pointer atomically. Each generation records the schema version
it was written with (``VERSION``): one written by another version counts as missing.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from knowledge.search.engine.locks import replace_file
from knowledge.search.engine.schema import SCHEMA_VERSION

POINTER_FILE = "CURRENT"
VERSION_FILE = "VERSION"
_GENERATION = re.compile(r"^gen-\d{20}-[0-9a-f]{8}$")


def current_generation(base_dir: Path) -> str | None:
    """The active generation's folder name, or ``None`` before the first build."""
    try:
        name = (base_dir / POINTER_FILE).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return name if _GENERATION.match(name) else None


def new_generation_name() -> str:
    return f"gen-{time.time_ns():020d}-{secrets.token_hex(4)}"


def of_this_version(path: Path) -> bool:
    """Whether the generation folder ``path`` was written with the current schema version."""
    try:
        text = (path / VERSION_FILE).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return False
    return text.strip() == str(SCHEMA_VERSION)


def mark_version(path: Path) -> None:
    replace_file(path / VERSION_FILE, f"{SCHEMA_VERSION}\n")


def point_to(base_dir: Path, generation: str) -> None:
    replace_file(base_dir / POINTER_FILE, generation + "\n")


def remove_generations(base_dir: Path, keep: set[str | None]) -> None:
    """Delete every generation folder but ``keep``, and leftovers of pointer swaps."""
    for entry in base_dir.iterdir():
        if _GENERATION.match(entry.name) and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(f"{POINTER_FILE}."):
            entry.unlink(missing_ok=True)
