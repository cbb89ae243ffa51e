"""SPSS and Stata files: names and labels fitted to the formats' limits, read back by pyreadstat."""

from __future__ import annotations

import math

import pyreadstat
import pytest

from surveys.statistical_files import Variable, fit, names, note_lines, write

LONG_KEY = "how_satisfied_were_you_with_the_support_of_the_field_unit"  # 57 characters


def test_fit_cuts_characters_or_utf8_bytes_on_a_character_boundary() -> None:
    assert fit("short", 80, False) == "short"
    assert fit("a" * 81, 80, False) == "a" * 79 + "…"
    cut = fit("满意" * 100, 120, True)
    assert len(cut.encode()) <= 120 and cut.endswith("…") and cut.startswith("满意满意")


def test_names_fit_stata_limits_stay_unique_and_avoid_reserved_words() -> None:
    variables = [
        Variable(LONG_KEY, "a"),
        Variable(LONG_KEY + "_other", "b"),
        Variable("in", "c"),
        Variable("str12", "d"),
        *[Variable(f"{LONG_KEY}_{n}", "e", value_labels={1: "x"}) for n in range(12)],
    ]
    stata = names(variables, "dta")
    assert len(set(stata)) == len(stata)
    assert stata[0] == LONG_KEY[:32] and stata[1] == LONG_KEY[:30] + "_2"
    assert stata[2:4] == ["q_in", "q_str12"]
    # Twelve labelled variables: their value-label sets are named name + 0..11, within 32.
    assert all(len(name) <= 30 for name in stata[4:])
    spss = names(variables, "sav")
    assert spss[0] == LONG_KEY and spss[2] == "in" and spss[3] == "str12"
    assert names([Variable("to", "x"), Variable("with", "y")], "sav") == ["q_to", "q_with"]


def test_note_lines_are_at_most_80_bytes() -> None:
    text = "Les dates sont affichées au mois près. " * 5 + "没有" * 60
    lines = note_lines(text)
    assert all(len(line.encode()) <= 80 for line in lines)
    assert " ".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("fmt", ["dta", "sav"])
def test_long_names_and_labels_are_written_and_read_back(tmp_path, fmt) -> None:
    label = "Dans quelle mesure êtes-vous satisfait(e) de l'appui de l'unité de terrain " * 4
    variables = [
        Variable(LONG_KEY, label, [1, 2, math.nan], {1: "Très " * 40, 2: "Peu"}, True),
        Variable(LONG_KEY + "_text", "Commentaire", ["un", "", "=trois"]),
        Variable(
            "skills_technical", label, [1, 0, math.nan], {1: "Oui", 0: "Non"}, True, suffix=" - X"
        ),
    ]
    path = tmp_path / f"limits.{fmt}"
    write(fmt, variables, path, file_label="Campagne " * 20, notes=["note " * 40])
    frame, meta = (pyreadstat.read_dta if fmt == "dta" else pyreadstat.read_sav)(path)
    expected = names(variables, fmt)
    assert list(frame.columns) == expected
    assert frame[expected[0]].tolist()[:2] == [1, 2] and math.isnan(frame[expected[0]].iloc[2])
    assert frame[expected[1]].tolist() == ["un", "", "=trois"]
    labels = meta.column_names_to_labels
    limit = 80 if fmt == "dta" else 256
    assert all(len(labels[name] or "") <= limit for name in expected)
    assert labels[expected[0]].endswith("…") and labels[expected[2]].endswith("… - X")
    assert meta.variable_value_labels[expected[0]][2] == "Peu"
    assert meta.variable_value_labels[expected[2]] == {0: "Non", 1: "Oui"}
