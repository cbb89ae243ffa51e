"""Every visible string is marked for translation, and fr, es, zh, ar and ru translate every one."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = ROOT / "portal" / "translations"
COMPLETE_LANGUAGES = ("fr", "es", "zh", "ar", "ru")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
    "InputError": None,
}
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
TRANSLATED_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "label", "content"}
SKIP_TAGS = {"script", "style", "code", "svg"}


def _extracted() -> set[str]:
    method_map = [
        ("portal/**.py", "python"),
        ("surveys/**.py", "python"),
        ("knowledge/**.py", "python"),
        ("portal/templates/**.html", "jinja2"),
        ("portal/templates/**.txt", "jinja2"),
    ]
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("language", COMPLETE_LANGUAGES)
def test_catalogue_translates_every_marked_string(language: str) -> None:
    path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and not m.fuzzy and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(_extracted() - translated)
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_arabic_catalogue_exists_for_the_right_to_left_layout() -> None:
    assert (CATALOGUES / "ar" / "LC_MESSAGES" / "messages.po").exists()


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
        named = dict(attrs).get("name")
        for name, value in attrs:
            if tag == "meta" and name == "content" and named != "description":
                continue  # viewport and similar machine-read values
            if name in TRANSLATED_ATTRIBUTES and value and _has_words(value):
                self.found.append(f'{tag}[{name}="{value}"]')

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and _has_words(data):
            self.found.append(data.strip())


def _has_words(text: str) -> bool:
    return bool(re.search(r"[A-Za-z\u00C0-\u024F\u4e00-\u9fff]{2,}", text.replace("\x00", "")))


@pytest.mark.parametrize(
    "template",
    sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "portal" / "templates").rglob("*.html")),
)
def test_template_has_no_unmarked_visible_text(template: str) -> None:
    source = (ROOT / template).read_text(encoding="utf-8")
    parser = _VisibleText()
    source = re.sub(r"<(/?)\{\{.*?\}\}", r"<\1x", source)  # a tag named by an expression
    parser.feed(JINJA.sub(" \x00 ", source))
    assert not parser.found, f"{template}: text not marked for translation: {parser.found[:5]}"
