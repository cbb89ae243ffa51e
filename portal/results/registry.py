"""Results-framework registry: the one entry point to frameworks, history and their checks.

The typed model is in `framework`, the file readers in `framework_files` and `history`, and the
check against what indicator providers declare in `vocabulary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from portal.results.framework import (
    COMPARABILITY,
    DIRECTIONS,
    QUALIFIERS,
    UNITS,
    Baseline,
    BreakdownItem,
    Framework,
    HistoricalFigure,
    Indicator,
    Outcome,
    Output,
    RegistryError,
    framework_for_year,
)
from portal.results.framework_files import FRAMEWORKS_DIR
from portal.results.framework_files import load_frameworks as _read_frameworks
from portal.results.history import HISTORY_FILE, load_history
from portal.results.vocabulary import AnswerCodes, SourceVocabulary, check_vocabulary

__all__ = [
    "COMPARABILITY",
    "DIRECTIONS",
    "FRAMEWORKS_DIR",
    "HISTORY_FILE",
    "QUALIFIERS",
    "UNITS",
    "AnswerCodes",
    "Baseline",
    "BreakdownItem",
    "Framework",
    "HistoricalFigure",
    "Indicator",
    "Outcome",
    "Output",
    "RegistryError",
    "SourceVocabulary",
    "check_vocabulary",
    "framework_for_year",
    "load_frameworks",
    "load_history",
]


def load_frameworks(
    directory: Path | str = FRAMEWORKS_DIR,
    vocabulary: Sequence[SourceVocabulary] | None = None,
) -> list[Framework]:
    """Every framework of `directory`, oldest first; with `vocabulary`, checked against it."""
    frameworks = _read_frameworks(directory)
    if vocabulary is not None:
        check_vocabulary(frameworks, vocabulary)
    return frameworks
