"""Citations of a product: APA and Chicago as their style guides write them (citeproc-py with the
CSL styles), and BibTeX, RIS and CSL-JSON that reference managers' own parsers read back."""

from __future__ import annotations

import json

import bibtexparser
import rispy

from knowledge.citations import Work, bibtex, csl_json, formatted, ris
from knowledge.creators import parse_creators

THREE = parse_creators(
    "Tuilagi, Mele [0000-0002-1825-0097]\nNguyen, Anh Thu\nOkafor, Chinedu Emeka"
)


def _work(**changes: object) -> Work:
    values: dict[str, object] = {
        "id": 7,
        "title": "Volunteering for climate resilience in the Pacific",
        "abstract": "How volunteers help communities adapt.",
        "product_type": "report",
        "language": "en",
        "published": (2024, 5, 17),
        "publisher": "Ministry of Youth and Sports, Fiji",
        "creators": THREE,
        "permalink": "https://portal.example.org/k/7",
        "doi": None,
        "edition": None,
    }
    values.update(changes)
    return Work(**values)  # type: ignore[arg-type]


def test_apa_names_three_creators_as_the_style_guide_does() -> None:
    assert str(formatted(_work(), "apa", "en")) == (
        "Tuilagi, M., Nguyen, A. T., &amp; Okafor, C. E. (2024). "
        "<i>Volunteering for climate resilience in the Pacific</i>. "
        "Ministry of Youth and Sports, Fiji. https://portal.example.org/k/7"
    )


def test_apa_links_the_doi_and_names_the_edition() -> None:
    text = str(formatted(_work(doi="10.5555/unv.2024.7", edition="2nd ed."), "apa", "en"))
    assert text.endswith(
        "<i>Volunteering for climate resilience in the Pacific</i> (2nd ed.). "
        "Ministry of Youth and Sports, Fiji. https://doi.org/10.5555/unv.2024.7"
    )


def test_chicago_keeps_given_names_whole_and_title_cases_the_title() -> None:
    assert str(formatted(_work(), "chicago", "en")) == (
        "Tuilagi, Mele, Anh Thu Nguyen, and Chinedu Emeka Okafor. 2024. "
        "<i>Volunteering for Climate Resilience in the Pacific</i>. "
        "Ministry of Youth and Sports, Fiji. https://portal.example.org/k/7."
    )


def test_the_terms_follow_the_readers_language() -> None:
    assert "Nguyen, et Chinedu Emeka Okafor" in str(formatted(_work(), "chicago", "fr"))
    assert "Nguyen, y Chinedu Emeka Okafor" in str(formatted(_work(), "chicago", "es"))


def test_without_creators_the_organisation_is_the_author() -> None:
    text = str(formatted(_work(creators=()), "apa", "en"))
    assert text.startswith("Ministry of Youth and Sports, Fiji. (2024). <i>Volunteering")


def test_a_title_carrying_markup_is_shown_as_text() -> None:
    text = str(formatted(_work(title='<img src=x onerror="alert(1)"> & more'), "apa", "en"))
    assert "<img" not in text
    assert "<i>&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; more</i>" in text


def test_bibtex_parses_back_with_every_creator_in_order() -> None:
    work = _work(
        title="Volunteering & {resilience}: 50% of Fiji's youth",
        creators=(*THREE, *parse_creators("org: United Nations Volunteers")),
        doi="10.5555/unv.2024.7",
    )
    library = bibtexparser.parse_string(bibtex(work))

    assert library.failed_blocks == []
    (entry,) = library.entries
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    assert (entry.entry_type, entry.key) == ("techreport", "unv-k7")
    assert fields["author"] == (
        "Tuilagi, Mele and Nguyen, Anh Thu and Okafor, Chinedu Emeka"
        " and {United Nations Volunteers}"
    )
    assert fields["title"] == r"Volunteering \& \{resilience\}: 50\% of Fiji's youth"
    assert fields["year"] == "2024" and fields["doi"] == "10.5555/unv.2024.7"
    assert fields["institution"] == "Ministry of Youth and Sports, Fiji"
    assert fields["url"] == "https://portal.example.org/k/7"


def test_ris_parses_back_to_the_same_record() -> None:
    work = _work(doi="10.5555/unv.2024.7", title="Voluntariado en el Pacífico")
    text = ris(work)

    assert text.startswith("TY  - RPRT\n")
    (record,) = rispy.loads(text)
    assert record["title"] == "Voluntariado en el Pacífico"
    assert record["authors"] == ["Tuilagi, Mele", "Nguyen, Anh Thu", "Okafor, Chinedu Emeka"]
    assert record["year"] == "2024" and record["date"] == "2024/05/17"
    assert record["doi"] == "10.5555/unv.2024.7"
    assert record["urls"] == ["https://portal.example.org/k/7"]
    assert record["publisher"] == "Ministry of Youth and Sports, Fiji"


def test_legislation_is_cited_as_legislation() -> None:
    work = _work(product_type="legislation")
    assert csl_json(work)["type"] == "legislation"
    assert bibtex(work).startswith("@misc{unv-k7,")
    assert rispy.loads(ris(work))[0]["type_of_reference"] == "STAT"


def test_csl_json_is_the_citeproc_data_model() -> None:
    item = json.loads(json.dumps(csl_json(_work(creators=parse_creators("org: UNV")))))
    assert item == {
        "id": "unv-k7",
        "type": "report",
        "title": "Volunteering for climate resilience in the Pacific",
        "abstract": "How volunteers help communities adapt.",
        "author": [{"literal": "UNV"}],
        "issued": {"date-parts": [[2024, 5, 17]]},
        "publisher": "Ministry of Youth and Sports, Fiji",
        "URL": "https://portal.example.org/k/7",
        "language": "en",
    }
