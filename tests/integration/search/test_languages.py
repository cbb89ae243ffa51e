"""Each language case through HTTP: stemming, accents, Chinese words, text only inside a PDF."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from knowledge.demo import minimal_pdf
from knowledge.models import KnowledgeProduct
from tests.integration.knowledge.conftest import form_post, make_product, reread
from tests.integration.search.conftest import closed, run_indexer, titles
from tests.worker_helpers import read_texts


def test_english_plural_finds_singular_and_singular_finds_plural(
    app, session, people, index, search
) -> None:
    make_product(session, people.ministry, title="National volunteer policy framework")
    make_product(session, people.ngo, title="Comparing volunteering policies across regions")
    make_product(session, people.ngo, title="Youth employment programmes")
    session.commit()
    run_indexer(app)

    plural = titles(search(q="policies"))
    singular = titles(search(q="policy"))

    expected = {
        "National volunteer policy framework",
        "Comparing volunteering policies across regions",
    }
    assert set(plural) == expected
    assert set(singular) == expected


def test_french_word_matches_with_or_without_accents_and_in_the_plural(
    app, session, people, index, search
) -> None:
    make_product(
        session,
        people.ministry,
        language="fr",
        title="Les volontariats nationaux au service de l'éducation",
        abstract="Des écoles rurales soutenues par des volontaires.",
    )
    make_product(session, people.ngo, language="fr", title="Santé communautaire au Sénégal")
    session.commit()
    run_indexer(app)

    assert titles(search(q="volontariat")) == [
        "Les volontariats nationaux au service de l'éducation"
    ]
    assert titles(search(q="education")) == ["Les volontariats nationaux au service de l'éducation"]
    assert titles(search(q="écoles")) == ["Les volontariats nationaux au service de l'éducation"]
    assert titles(search(q="senegal")) == ["Santé communautaire au Sénégal"]


def test_spanish_stemming_joins_singular_plural_and_verb_forms(
    app, session, people, index, search
) -> None:
    make_product(
        session,
        people.ministry,
        language="es",
        title="Las organizaciones de voluntariado en América Latina",
        abstract="Redes comunitarias que trabajan con jóvenes voluntarios.",
    )
    make_product(session, people.ngo, language="es", title="Agua potable en zonas rurales")
    session.commit()
    run_indexer(app)

    assert titles(search(q="organización")) == [
        "Las organizaciones de voluntariado en América Latina"
    ]
    assert titles(search(q="voluntario")) == [
        "Las organizaciones de voluntariado en América Latina"
    ]
    assert titles(search(q="comunitaria")) == [
        "Las organizaciones de voluntariado en América Latina"
    ]


def test_chinese_words_are_found_inside_unspaced_text(app, session, people, index, search) -> None:
    make_product(
        session,
        people.ministry,
        language="zh",
        title="联合国志愿服务与可持续发展目标",
        abstract="本报告介绍志愿服务如何促进可持续发展目标的实现。",
    )
    make_product(session, people.ngo, language="zh", title="农村饮用水安全报告")
    session.commit()
    run_indexer(app)

    found = search(q="志愿服务")

    assert titles(found) == ["联合国志愿服务与可持续发展目标"]
    # Adjacent marks (one per dictionary word) read as one marked phrase.
    assert "<mark>志愿服务</mark>" in found["results"][0]["snippet"].replace("</mark><mark>", "")
    assert titles(search(q="饮用水")) == ["农村饮用水安全报告"]


def test_text_only_inside_an_uploaded_pdf_is_found_once_staff_publish(
    app, client, session, people, login, index, search
) -> None:
    pdf = minimal_pdf(
        "Annual report", ["The audit found zooplankton monitoring done by coastal volunteers."]
    )
    contributor = login(people.contributor)
    closed(
        form_post(
            contributor,
            "/knowledge/submit",
            {
                "title": "Annual results report",
                "abstract": "Summary of the year's results.",
                "product_type": "report",
                "language": "en",
                "publication_date": "2024-12-01",
                "file": (io.BytesIO(pdf), "annual-report.pdf"),
                "action": "submit",
            },
        )
    )
    assert search(q="zooplankton")["total"] == 0  # submitted, not published
    assert read_texts(app) == 1
    assert search(q="zooplankton")["total"] == 0  # read, still not published
    reread(session)
    product_id = session.scalar(select(KnowledgeProduct.id))

    closed(
        form_post(
            login(people.staff),
            f"/knowledge/{product_id}/publish",
            {},
            form_url=f"/knowledge/review/{product_id}",
        )
    )

    found = search(q="zooplankton")
    assert titles(found) == ["Annual results report"]
    assert "<mark>zooplankton</mark>" in found["results"][0]["snippet"]
    assert found["results"][0]["url"] == f"/knowledge/{product_id}"
    assert date.fromisoformat(found["results"][0]["publication_date"]) == date(2024, 12, 1)
