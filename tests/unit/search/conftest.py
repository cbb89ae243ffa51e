"""Fixtures for search tests: a product factory and a small multilingual library index."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from knowledge.search.engine import ProductDocument, SearchIndex

_ids = itertools.count(1000)
IndexFactory = Callable[[list[ProductDocument]], SearchIndex]


def make_product(**overrides: Any) -> ProductDocument:
    """A published English report unless told otherwise; ids are unique per test run."""
    product: dict[str, Any] = {
        "id": next(_ids),
        "title": "Untitled",
        "abstract": "",
        "file_text": None,
        "language": "en",
        "organisation": "UN Volunteers",
        "org_kind": "unv",
        "product_type": "report",
        "countries": [],
        "sdgs": [],
        "publication_date": dt.date(2023, 1, 1),
    }
    product.update(overrides)
    return ProductDocument(**product)  # type: ignore[typeddict-item]


LIBRARY: list[ProductDocument] = [
    make_product(
        id=1,
        title="National volunteer policy framework",
        abstract="How governments write a policy on volunteering and civic engagement.",
        language="en",
        product_type="policy_brief",
        countries=["KEN", "UGA"],
        sdgs=[16, 17],
        publication_date=dt.date(2021, 6, 1),
        org_kind="member_state",
    ),
    make_product(
        id=2,
        title="Volunteering policies across regions",
        abstract="A comparison of policies for volunteer schemes.",
        language="en",
        product_type="research",
        countries=["KEN"],
        sdgs=[17],
        publication_date=dt.date(2024, 2, 1),
        org_kind="academia",
    ),
    make_product(
        id=3,
        title="Le volontariat au service de l'éducation",
        abstract="Les volontariats nationaux soutiennent les écoles rurales.",
        language="fr",
        product_type="case_study",
        countries=["SEN"],
        sdgs=[4],
        publication_date=dt.date(2022, 9, 15),
        org_kind="cso",
    ),
    make_product(
        id=4,
        title="Politique nationale de volontariat",
        abstract="Une education civique pour tous, sans accents dans ce résumé : education.",
        language="fr",
        product_type="legislation",
        countries=["BFA", "SEN"],
        sdgs=[4, 16],
        publication_date=dt.date(2020, 3, 1),
        org_kind="member_state",
    ),
    make_product(
        id=5,
        title="El voluntariado en América Latina",
        abstract="Las organizaciones de voluntariado y sus redes comunitarias.",
        language="es",
        product_type="report",
        countries=["MEX", "PER"],
        sdgs=[1],
        publication_date=dt.date(2023, 4, 1),
        org_kind="cso",
    ),
    make_product(
        id=6,
        title="Guía para voluntarios comunitarios",
        abstract="Herramientas prácticas para los voluntarios en salud.",
        language="es",
        product_type="toolkit",
        countries=["PER"],
        sdgs=[3],
        publication_date=dt.date(2022, 1, 10),
        org_kind="un_entity",
    ),
    make_product(
        id=7,
        title="Voluntariado e desenvolvimento sustentável",
        abstract="Os voluntários contribuem para a educação no Brasil.",
        language="pt",
        product_type="research",
        countries=["BRA"],
        sdgs=[4, 10],
        publication_date=dt.date(2023, 11, 30),
        org_kind="academia",
    ),
    make_product(
        id=8,
        title="联合国志愿服务与可持续发展目标",
        abstract="本报告介绍志愿服务如何促进可持续发展目标的实现。",
        language="zh",
        product_type="report",
        countries=["CHN"],
        sdgs=[17],
        publication_date=dt.date(2024, 5, 20),
        org_kind="un_entity",
    ),
    make_product(
        id=9,
        title="Freiwilligenarbeit in Österreich",
        abstract="Über die Rolle der Freiwilligen in Gemeinden.",
        language="de",
        product_type="report",
        countries=["AUT"],
        sdgs=[11],
        publication_date=dt.date(2019, 8, 8),
        org_kind="cso",
    ),
    make_product(
        id=10,
        title="Annual results report",
        abstract="Summary of results for the year.",
        file_text=(
            "Chapter one describes the programme. In annex three the audit found that the "
            "zooplankton monitoring was delegated to community volunteers in coastal areas."
        ),
        language="en",
        product_type="report",
        countries=["FJI"],
        sdgs=[14],
        publication_date=dt.date(2024, 12, 1),
        org_kind="unv",
    ),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """The :data:`LIBRARY` products indexed once per test module (read-only use)."""
    index = SearchIndex(tmp_path_factory.mktemp("library"))
    index.rebuild(LIBRARY)
    return index


@pytest.fixture
def new_index(tmp_path: Path) -> IndexFactory:
    """Builds a private index from the given products, for tests that change it."""

    def build(products: list[ProductDocument]) -> SearchIndex:
        index = SearchIndex(tmp_path / "index")
        index.rebuild(products)
        return index

    return build
