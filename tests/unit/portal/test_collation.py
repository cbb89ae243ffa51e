"""Lists in alphabetical order for their readers: accents and case do not push a name to the end."""

from __future__ import annotations

from portal.collation import collation_bytes, collation_key, sorted_by_name
from portal.countries import country_choices


def _position(choices: list[tuple[str, str]], code: str) -> int:
    return [iso3 for iso3, _name in choices].index(code)


def test_spanish_countries_put_belgica_before_burundi() -> None:
    choices = country_choices("es")
    names = dict(choices)

    assert names["BEL"] == "Bélgica" and names["BDI"] == "Burundi"
    assert _position(choices, "BEL") < _position(choices, "BDI")
    # Code-point order would have put every accented initial after Z.
    assert _position(choices, "AUT") < _position(choices, "ZMB")


def test_each_language_orders_its_own_names() -> None:
    french = country_choices("fr")
    russian = [name for _code, name in country_choices("ru")]

    assert dict(french)["EGY"].startswith("Égypte")
    # Égypte, Émirats arabes unis, Équateur, Érythrée: by their letters, accents aside.
    assert [_position(french, code) for code in ("EGY", "ARE", "ECU", "ERI")] == sorted(
        _position(french, code) for code in ("EGY", "ARE", "ECU", "ERI")
    )
    assert _position(french, "ERI") < _position(french, "ESP")
    assert russian[0].startswith("А") and russian[-1].startswith("Я")


def test_accents_and_case_only_break_ties() -> None:
    names = ["zambia", "Österreich", "Burundi", "Bélgica", "Belice", "Åland", "belgica"]

    assert sorted_by_name(names, str) == [
        "Åland",
        "belgica",
        "Bélgica",
        "Belice",
        "Burundi",
        "Österreich",
        "zambia",
    ]


def test_country_choices_are_a_fresh_list_each_time() -> None:
    first = country_choices("es")
    first.insert(0, ("", "(ninguno)"))

    assert country_choices("es")[0][0] != ""


def test_collation_bytes_compare_as_the_keys_do() -> None:
    names = ["zambia", "Österreich", "Bélgica", "Belice", "belgica", "Волонтёр", "志愿", "", "a"]

    by_bytes = sorted(names, key=collation_bytes)

    assert by_bytes == sorted(names, key=collation_key)
    assert by_bytes[:3] == ["", "a", "belgica"]
    assert collation_bytes("a") == bytes.fromhex("1c47 0000 0020 0000 0002 0000".replace(" ", ""))
