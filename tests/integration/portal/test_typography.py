"""French pages carry narrow no-break spaces before their punctuation; other languages do not."""

from __future__ import annotations

from flask.testing import FlaskClient

NNBSP = "\u202f"


def test_a_french_page_has_narrow_no_break_spaces_before_question_marks(
    client: FlaskClient,
) -> None:
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)

    assert f"Mot de passe oublié{NNBSP}?" in page
    assert "Mot de passe oublié ?" not in page


def test_other_languages_keep_their_own_spacing(client: FlaskClient) -> None:
    french = client.get("/login", headers={"Accept-Language": "fr"})
    assert french.status_code == 200

    page = client.get("/login", headers={"Accept-Language": "es"}).get_data(as_text=True)

    assert "¿Olvidó su contraseña?" in page
    assert NNBSP not in page
