"""French typography: narrow no-break spaces before ; : ! ? » and %, after «; code left alone."""

from __future__ import annotations

import pytest

from portal.typography import french_spacing

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Langue :", f"Langue{NNBSP}:"),
        ("Compte créé ; un lien", f"Compte créé{NNBSP}; un lien"),
        ("Vraiment ?", f"Vraiment{NNBSP}?"),
        ("Merci !", f"Merci{NNBSP}!"),
        ("« page d’accueil »", f"«{NNBSP}page d’accueil{NNBSP}»"),
        ("Intervalle à 95 %% :", f"Intervalle à 95{NNBSP}%%{NNBSP}:"),
        ("87\u00a0%", f"87{NNBSP}%"),
        ("Déjà fine\u202f:", f"Déjà fine{NNBSP}:"),
        ("%(survey)s %(year)s : merci", f"%(survey)s %(year)s{NNBSP}: merci"),
    ],
)
def test_the_space_before_french_punctuation_becomes_narrow_and_unbreakable(
    text: str, expected: str
) -> None:
    assert french_spacing(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "commençant par https://.",
        "l'en-tête Authorization: Bearer",
        "10:30",
        "?q=volontariat",
        "%(count)s %(unit)s",
        "",
    ],
)
def test_signs_glued_to_a_word_are_code_and_stay_as_written(text: str) -> None:
    assert french_spacing(text) == text
