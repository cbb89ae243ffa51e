"""Matching organisation names without Flask: accents, word order, abbreviations, countries."""

from __future__ import annotations

from portal.auth.org_names import (
    OrgName,
    code_for,
    duplicate_groups,
    fold,
    matches,
    name_forms,
    same_name,
)


def _same(a: str, b: str, ignore: tuple[str, ...] = ()) -> bool:
    return same_name(name_forms(a, ignore), name_forms(b, ignore))


def test_fold_drops_case_accents_apostrophes_and_punctuation() -> None:
    assert fold("Ministère de l'Économie, des Finances!") == "ministere de l economie des finances"
    assert fold("Éducation & Jeunesse") == "education and jeunesse"


def test_accents_case_and_punctuation_do_not_make_another_organisation() -> None:
    assert _same(
        "Ministerio de Inclusión Económica y Social", "MINISTERIO DE INCLUSION ECONOMICA Y SOCIAL"
    )
    assert not _same("Ministerio de Inclusión Económica y Social", "Ministerio de Inclusión")
    assert _same("Ministère de la Jeunesse", "ministere jeunesse.")


def test_word_order_and_common_words_do_not_matter() -> None:
    assert _same("Ministry of Youth and Sports", "Sports and Youth Ministry")
    assert _same("The Ministry of Youth", "Youth")
    assert _same("World Health Organization", "World Health Organisation")


def test_an_abbreviation_in_parentheses_names_the_same_organisation() -> None:
    assert _same("Ministry of Youth (MoY)", "MoY")
    assert _same("Ministry of Youth (MoY)", "Ministry of Youth")
    assert _same("UNDP", "United Nations Development Programme")
    assert _same("MIES", "Ministerio de Inclusión Económica y Social")
    assert not _same("Ministry of Youth (MoY)", "Ministry of Yoga")
    assert not _same("Ministry of Youth (MoY)", "Ministry of Yoga (MoY)")
    assert _same("United Nations Children's Fund (UNICEF)", "unicef")
    assert not _same("Ministry of Youth", "Ministry of Health")


def test_the_country_name_in_a_name_is_ignored_when_given() -> None:
    ecuador = ("Ecuador", "Équateur")
    assert _same(
        "Ecuador, Ministerio de Inclusión Social", "Ministerio de Inclusión Social", ecuador
    )
    assert not _same("Ecuador, Ministerio de Inclusión Social", "Ministerio de Inclusión Social")


def _org(key: int, name: str, kind: str = "member_state", country: str | None = "KEN") -> OrgName:
    return OrgName(key, name, kind, country)


def test_matches_agree_on_the_country_and_put_the_same_kind_first() -> None:
    candidates = [
        _org(1, "Youth Ministry", "other"),
        _org(2, "Ministry of Youth", "member_state", "UGA"),
        _org(3, "MoY", "member_state"),
        _org(4, "Ministry of Youth", "member_state"),
        _org(5, "Ministry of Health", "member_state"),
        _org(6, "Ministry of Youth", "member_state", None),
    ]
    wanted = OrgName(None, "Ministry of Youth (MoY)", "member_state", "KEN")
    assert [org.key for org in matches(wanted, candidates)] == [4, 3, 6, 1]


def test_country_names_given_per_country_are_ignored_in_matches() -> None:
    candidates = [_org(1, "Ecuador, Ministerio de Inclusión Social", country="ECU")]
    wanted = OrgName(None, "Ministerio de Inclusión Social", "member_state", "ECU")
    assert matches(wanted, candidates) == []
    assert matches(wanted, candidates, {"ECU": ["Ecuador"]}) == candidates


def test_duplicate_groups_gather_each_organisation_once() -> None:
    orgs = [
        _org(1, "Ministry of Youth"),
        _org(2, "Oxfam", "cso", None),
        _org(3, "MINISTRY OF YOUTH (MoY)"),
        _org(4, "MoY"),
        _org(5, "OXFAM", "cso", "GBR"),
        _org(6, "Ministry of Health"),
    ]
    groups = duplicate_groups(orgs)
    assert [[org.key for org in group] for group in groups] == [[1, 3, 4], [2, 5]]


def test_a_new_code_is_readable_unique_and_valid() -> None:
    assert code_for("Ministry of Youth (MoY)", "KEN", []) == "MOY-KEN"
    assert code_for("Ministry of Youth and Sports", "KEN", []) == "MYS-KEN"
    assert code_for("Oxfam", None, []) == "OXFAM"
    assert code_for("MIES Ecuador", "ECU", [], ignore=["Ecuador"]) == "MIES-ECU"
    assert code_for("Kenya Red Cross", "KEN", [], ignore=["Kenya"]) == "KRC-KEN"
    assert code_for("Ministère de l'Éducation", "SEN", ["me-sen"]) == "ME-SEN-2"
    assert code_for("Ministry of Youth", "KEN", ["MY-KEN", "MY-KEN-2"]) == "MY-KEN-3"
    assert code_for("中华人民共和国外交部", "CHN", []) == "ORG-CHN"
