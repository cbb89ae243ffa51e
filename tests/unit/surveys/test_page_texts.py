"""Definition texts on a page: the page's language, or English marked and isolated as such."""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from surveys.pages import Text, localised

LABEL = {
    "en": "When does your assignment end?",
    "fr": "Quand votre affectation se termine-t-elle ?",
}


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        # French with its narrow no-break space before the question mark.
        ("fr", Text("Quand votre affectation se termine-t-elle\u202f?")),
        ("fr_FR", Text("Quand votre affectation se termine-t-elle\u202f?")),
        ("en", Text("When does your assignment end?")),
        ("ar", Text("When does your assignment end?", "en")),
        ("ru-RU", Text("When does your assignment end?", "en")),
    ],
)
def test_a_missing_language_falls_back_to_english_and_says_so(locale: str, expected: Text) -> None:
    assert localised(LABEL, locale) == expected


def test_a_fallback_is_isolated_in_html_and_plain_elsewhere() -> None:
    fallback = localised({"en": "Fish & <chips>?"}, "ar")
    assert str(escape(fallback)) == '<bdi lang="en" dir="auto">Fish &amp; &lt;chips&gt;?</bdi>'
    assert str(fallback) == fallback.text == "Fish & <chips>?"
    assert Markup("<p>%s</p>") % localised({"en": "a<b", "ar": "ب<ج"}, "ar") == "<p>ب&lt;ج</p>"


def test_an_absent_text_is_empty_and_unmarked() -> None:
    assert localised({}, "ar") == Text("")
    assert not localised({}, "ar")
