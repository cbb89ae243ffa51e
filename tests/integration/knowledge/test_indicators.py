"""Outcome-3 figures pinned on fixed data: every counting rule of INDICATORS.md."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.indicators import knowledge_indicator
from knowledge.support import SupportInput, add_support
from portal.results.providers import ComputeContext, provider_for
from tests.factories import make_org
from tests.integration.knowledge.conftest import make_product


def context(year: int, start: int = 2022, end: int = 2025) -> ComputeContext:
    return ComputeContext(
        year=year,
        period_start=start,
        period_end=end,
        suppress_below=5,
        global_south_flag="developing_2017",
    )


def figure(session, code: str, year: int = 2024) -> dict:
    return knowledge_indicator(session, code, {}, context(year))


def test_provider_is_registered_for_the_knowledge_source(app) -> None:
    assert provider_for(app, "knowledge") is knowledge_indicator


def test_3_1_1_counts_published_unv_products_within_the_period_up_to_the_year(session) -> None:
    unv = make_org(session, "unv")
    partner = make_org(session, "un_entity")
    make_product(session, unv, publication_date=date(2022, 1, 1))  # first day of the period
    make_product(session, unv, publication_date=date(2024, 12, 31))  # last day of the year
    make_product(session, unv, publication_date=date(2021, 12, 31))  # before the period
    make_product(session, unv, publication_date=date(2025, 1, 1))  # after the reporting year
    make_product(session, partner, publication_date=date(2023, 5, 5))  # not UNV
    for status in ("draft", "submitted", "rejected"):
        make_product(session, unv, status=status, publication_date=date(2023, 5, 5))
    withdrawn = make_product(session, unv, publication_date=date(2023, 5, 5))
    withdrawn.status = "withdrawn"
    session.flush()

    assert figure(session, "3.1.1")["value"] == 2
    assert figure(session, "3.1.1", year=2022)["value"] == 1
    assert figure(session, "3.1.1", year=2025)["value"] == 3


def test_3_1_2_counts_each_organisation_once_by_kind_and_leaves_out_academia(session) -> None:
    ministry = make_org(session, "member_state")
    agency = make_org(session, "un_entity")
    ngo = make_org(session, "cso")
    company = make_org(session, "private_sector")
    university = make_org(session, "academia")
    other = make_org(session, "other")
    unv = make_org(session, "unv")
    late = make_org(session, "cso")
    rejected_only = make_org(session, "cso")
    for year in (2022, 2023, 2024):
        make_product(session, ministry, publication_date=date(year, 3, 1))
    make_product(session, agency, publication_date=date(2024, 6, 1))
    make_product(session, ngo, publication_date=date(2023, 6, 1))
    make_product(session, company, publication_date=date(2022, 6, 1))
    make_product(session, university, publication_date=date(2023, 6, 1))
    make_product(session, other, publication_date=date(2023, 6, 1))
    make_product(session, unv, publication_date=date(2023, 6, 1))
    make_product(session, late, publication_date=date(2025, 2, 1))
    make_product(session, rejected_only, status="rejected", publication_date=date(2023, 6, 1))

    result = figure(session, "3.1.2")

    assert result["value"] == 4
    assert {kind: part["value"] for kind, part in result["breakdown"].items()} == {
        "member_state": 1,
        "un_entity": 1,
        "cso": 1,
        "private_sector": 1,
    }
    assert figure(session, "3.1.2", year=2025)["breakdown"]["cso"]["value"] == 2


def test_3_1_counts_each_country_once_among_its_vnrs_of_the_year(session) -> None:
    state = make_org(session, "member_state")
    vnr = {"product_type": "vnr", "publication_date": date(2024, 7, 1)}
    # Kenya: two VNRs in 2024, one of them integrating volunteering -> one integrating country.
    make_product(session, state, countries=("KEN",), volunteering_integrated=True, **vnr)
    make_product(session, state, countries=("KEN",), volunteering_integrated=False, **vnr)
    # Ecuador: one VNR, not integrating; Peru: flag not stated, so unknown and left out.
    make_product(session, state, countries=("ECU",), volunteering_integrated=False, **vnr)
    make_product(session, state, countries=("PER",), **vnr)
    # Not counted: unpublished, another year, not a VNR.
    make_product(
        session, state, countries=("SEN",), volunteering_integrated=True, status="submitted", **vnr
    )
    make_product(
        session,
        state,
        countries=("GHA",),
        volunteering_integrated=True,
        product_type="vnr",
        publication_date=date(2023, 7, 1),
    )
    make_product(
        session, state, countries=("MLI",), product_type="report", publication_date=date(2024, 7, 1)
    )

    result = figure(session, "3.1")

    assert (result["numerator"], result["valid_n"]) == (1, 2)
    assert result["value"] == pytest.approx(1 / 2)
    assert result["excluded"] == {"not_stated": 1}
    assert figure(session, "3.1", year=2023)["value"] == 1.0


def test_3_1_leaves_out_a_country_whose_answer_is_unknown_and_counts_a_yes(session) -> None:
    state = make_org(session, "member_state")
    vnr = {"product_type": "vnr", "publication_date": date(2024, 7, 1)}
    # Kenya: "no" and unstated -> unknown (the unstated one may say yes): left out.
    make_product(session, state, countries=("KEN",), volunteering_integrated=False, **vnr)
    make_product(session, state, countries=("KEN",), **vnr)
    # Ecuador: "yes" and unstated -> integrating whatever the other says.
    make_product(session, state, countries=("ECU",), volunteering_integrated=True, **vnr)
    make_product(session, state, countries=("ECU",), **vnr)
    # Peru: "no" twice -> not integrating.
    make_product(session, state, countries=("PER",), volunteering_integrated=False, **vnr)
    make_product(session, state, countries=("PER",), volunteering_integrated=False, **vnr)

    result = figure(session, "3.1")

    assert (result["numerator"], result["valid_n"], result["excluded"]) == (
        1, 2, {"not_stated": 1},
    )  # fmt: skip


def test_3_1_with_only_unstated_vnrs_has_no_value(session) -> None:
    state = make_org(session, "member_state")
    make_product(
        session, state, countries=("KEN",), product_type="vnr", publication_date=date(2024, 7, 1)
    )

    result = figure(session, "3.1")

    assert (result["value"], result["valid_n"], result["excluded"]) == (None, 0, {"not_stated": 1})


def test_3_2_leaves_out_unsdcf_documents_whose_flag_is_unstated(session) -> None:
    agency = make_org(session, "un_entity")
    unsdcf = {"product_type": "unsdcf", "countries": ("KEN",), "publication_date": date(2023, 2, 1)}
    make_product(session, agency, volunteering_integrated=True, **unsdcf)
    make_product(session, agency, volunteering_integrated=False, **unsdcf)
    make_product(session, agency, **unsdcf)
    make_product(session, agency, **unsdcf)

    result = figure(session, "3.2")

    assert (result["numerator"], result["valid_n"], result["excluded"]) == (
        1, 2, {"not_stated": 2},
    )  # fmt: skip
    assert result["value"] == pytest.approx(0.5)


def test_3_1_without_any_vnr_in_the_year_has_no_value(session) -> None:
    result = figure(session, "3.1", year=2022)

    assert result["value"] is None
    assert result["valid_n"] == 0


def test_3_2_is_the_share_of_published_unsdcf_documents_in_the_period(session) -> None:
    agency = make_org(session, "un_entity")
    unsdcf = {"product_type": "unsdcf", "countries": ("KEN",)}
    make_product(
        session, agency, volunteering_integrated=True, publication_date=date(2022, 2, 1), **unsdcf
    )
    make_product(
        session, agency, volunteering_integrated=True, publication_date=date(2024, 2, 1), **unsdcf
    )
    make_product(
        session, agency, volunteering_integrated=False, publication_date=date(2023, 2, 1), **unsdcf
    )
    make_product(
        session,
        agency,
        volunteering_integrated=True,
        status="rejected",
        publication_date=date(2023, 2, 1),
        **unsdcf,
    )
    make_product(
        session, agency, volunteering_integrated=True, publication_date=date(2021, 2, 1), **unsdcf
    )
    make_product(
        session, agency, volunteering_integrated=True, publication_date=date(2025, 2, 1), **unsdcf
    )

    result = figure(session, "3.2")

    assert (result["numerator"], result["valid_n"]) == (2, 3)
    assert result["value"] == pytest.approx(2 / 3)


def _support(session, kind: str, year: int, process: str, *, country=None, organisation=None):
    return add_support(
        session,
        None,
        SupportInput(
            recipient_kind=kind,
            year=year,
            process=process,
            recipient_country=country,
            recipient_organisation_id=organisation.id if organisation else None,
        ),
    )


def test_3_2_1_counts_distinct_country_teams_and_un_entities_supported_on_cca_unsdcf(
    session,
) -> None:
    undp = make_org(session, "un_entity")
    unicef = make_org(session, "un_entity")
    _support(session, "unct", 2022, "cca_unsdcf", country="KEN")
    _support(session, "unct", 2023, "cca_unsdcf", country="KEN")  # same team again
    _support(session, "unct", 2024, "cca_unsdcf", country="ECU")
    _support(session, "un_entity", 2024, "cca_unsdcf", organisation=undp)
    _support(session, "un_entity", 2023, "national_policy", organisation=unicef)  # other process
    _support(session, "unct", 2021, "cca_unsdcf", country="SEN")  # before the period
    _support(session, "unct", 2025, "cca_unsdcf", country="PER")  # after the reporting year
    _support(session, "member_state", 2024, "cca_unsdcf", country="GHA")  # not a UN recipient

    assert figure(session, "3.2.1")["value"] == 3
    assert figure(session, "3.2.1", year=2022)["value"] == 1


def test_3_2_2_counts_distinct_member_states_supported_on_national_policies(session) -> None:
    _support(session, "member_state", 2023, "national_policy", country="KEN")
    _support(session, "member_state", 2024, "national_policy", country="KEN")
    _support(session, "member_state", 2024, "national_policy", country="ECU")
    _support(session, "member_state", 2024, "cca_unsdcf", country="PER")  # other process
    _support(session, "member_state", 2021, "national_policy", country="SEN")  # before
    _support(session, "unct", 2024, "national_policy", country="GHA")  # a country team

    assert figure(session, "3.2.2")["value"] == 2


def test_unknown_code_is_refused(session) -> None:
    with pytest.raises(KeyError):
        figure(session, "1.2")


def test_figures_reach_the_indicators_api(login, people, session) -> None:
    make_product(session, people.ministry, publication_date=date(2024, 3, 1))
    make_product(session, people.ngo, publication_date=date(2023, 3, 1))
    make_product(session, people.unv, publication_date=date(2022, 3, 1))
    make_product(session, people.ngo, status="submitted", publication_date=date(2023, 3, 1))
    session.commit()

    body = login(people.staff).get("/api/v1/indicators?year=2024").get_json()

    by_code = {item["code"]: item for item in body["indicators"]}
    assert by_code["3.1.1"]["value"] == 1
    assert by_code["3.1.2"]["value"] == 2
    assert by_code["3.1.2"]["breakdown"]["member_state"]["value"] == 1
    assert by_code["3.1.2"]["breakdown"]["cso"]["value"] == 1
