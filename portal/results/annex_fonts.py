"""The fonts the printable report embeds: vendored Noto Sans and Noto Sans Arabic, system CJK.

Latin, Greek and Cyrillic (Noto Sans) and Arabic (Noto Sans Arabic) ship with the portal under
`static/fonts/pdf` (SIL Open Font License, OFL.txt beside them), so a report renders the same on
any machine. Chinese needs a CJK font too large to ship: Noto Sans CJK SC is taken from the
system when present (Debian's fonts-noto-cjk), else Chinese characters have no glyph. A face
missing from the portal's folder is looked for in the system's Noto folders.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from fontTools.ttLib import TTCollection, TTLibError  # type: ignore[import-untyped]

VENDORED: Final = Path(__file__).resolve().parents[1] / "static" / "fonts" / "pdf"
SYSTEM_DIRS: Final = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto"),
    Path("/usr/share/fonts/google-noto"),
)
CJK_FILES: Final = (
    "NotoSansCJK-{style}.ttc",
    "NotoSansCJKsc-{style}.otf",
    "NotoSansSC-{style}.otf",
)
CJK_FAMILY: Final = "Noto Sans CJK SC"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Face:
    """One font file of a family and style ("" regular, "B" bold); `index` within a collection."""

    family: str
    style: str
    path: Path
    index: int = 0


def _find(name: str, directories: Sequence[Path]) -> Path | None:
    return next((d / name for d in directories if (d / name).is_file()), None)


def _collection_index(path: Path, family: str) -> int | None:
    """The face of `family` in a .ttc collection (Noto CJK holds JP, KR, SC, TC and HK)."""
    try:
        with TTCollection(str(path), lazy=True) as collection:
            names = [font["name"].getDebugName(1) for font in collection.fonts]
    except (OSError, TTLibError):
        return None
    return names.index(family) if family in names else None


def _cjk(style: str, directories: Sequence[Path]) -> Face | None:
    for pattern in CJK_FILES:
        path = _find(pattern.format(style="Bold" if style else "Regular"), directories)
        if path is None:
            continue
        index = _collection_index(path, CJK_FAMILY) if path.suffix == ".ttc" else 0
        if index is not None:
            return Face("NotoSansCJK", style, path, index)
    return None


@cache
def report_faces(
    vendored: Path = VENDORED, system: tuple[Path, ...] = SYSTEM_DIRS
) -> tuple[tuple[Face, ...], tuple[str, ...]]:
    """Every face to register, and the fallback families in the order glyphs are looked for.

    The first family (Noto Sans) is the report's own; FileNotFoundError when it is missing.
    """
    directories = (vendored, *system)
    faces: list[Face] = []
    for family, stem in (("NotoSans", "NotoSans"), ("NotoSansArabic", "NotoSansArabic")):
        for style, suffix in (("", "Regular"), ("B", "Bold")):
            path = _find(f"{stem}-{suffix}.ttf", directories)
            if path is None:
                if family == "NotoSans":
                    raise FileNotFoundError(f"{stem}-{suffix}.ttf is in none of {directories}")
                log.warning("no %s-%s.ttf: the report cannot show that script", stem, suffix)
                continue
            faces.append(Face(family, style, path))
    # One CJK face: bold Chinese is drawn with it too (loading a CJK face takes over a second).
    cjk = _cjk("", system)
    if cjk is None:
        log.info("no Noto Sans CJK font on this system: Chinese reports show no Chinese glyphs")
    else:
        faces.append(cjk)
    fallbacks = tuple(dict.fromkeys(f.family for f in faces if f.family != "NotoSans"))
    return tuple(faces), fallbacks
