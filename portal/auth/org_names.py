"""Organisation names compared as people write them: pure functions, no Flask, no database.

Two records name the same organisation when their names reduce to the same words (case, accents,
punctuation, word order and common words such as "Ministry of" or "the" ignored), or when one
is the other's abbreviation ("Ministry of Youth (MoY)" and "MoY"), and their countries do not
differ. The kind is not required to agree: a requester may declare it wrongly, so a match of
another kind is still proposed, after those of the same kind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Words that carry no identity: articles and prepositions (en, fr, es, pt) and "ministry".
FUNCTION_WORDS = frozenset(
    "a an and at for in of on the to "
    "au aux d de des du en et l la le les pour "
    "del el los las para por y da do dos das e s".split()
)
COMMON_WORDS = FUNCTION_WORDS | {"ministry", "ministere", "ministerio", "ministerie"}
# Spellings of one word, reduced to one.
_SPELLINGS = {"organization": "organisation", "center": "centre", "program": "programme"}
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class OrgName:
    """What an organisation is recognised by (`key` carries whatever the caller needs back)."""

    key: object
    name: str
    kind: str
    country: str | None


@dataclass(frozen=True)
class NameForms:
    words: tuple[str, ...]  # the significant words, sorted: order does not matter
    abbreviations: frozenset[str]  # written abbreviations: "(MoY)", or a one-word name
    acronyms: frozenset[str]  # initials the full name would abbreviate to
    spelled_out: bool  # a name of several words, not only an abbreviation


def fold(text: str) -> str:
    """Lower case without accents or punctuation: "Ministère d'État" -> "ministere d etat"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = _APOSTROPHES.sub(" ", plain.replace("&", " and "))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def _words(text: str) -> list[str]:
    return [_SPELLINGS.get(word, word) for word in fold(text).split()]


def name_forms(name: str, ignore: Iterable[str] = ()) -> NameForms:
    """The forms a name is matched by; `ignore` holds words to drop too (the country's names)."""
    written = {fold(inner).replace(" ", "") for inner in _PARENTHESES.findall(name)}
    outer = _words(_PARENTHESES.sub(" ", name))
    ignored = COMMON_WORDS | {word for text in ignore for word in _words(text)}
    significant = [word for word in outer if word not in ignored]
    if len(outer) == 1:
        written.add(outer[0])
    acronyms = {
        "".join(word[0] for word in chosen)
        for chosen in (outer, [w for w in outer if w not in FUNCTION_WORDS])
        if len(chosen) > 1
    }
    return NameForms(
        tuple(sorted(set(significant))),
        frozenset(word for word in written if len(word) > 1),
        frozenset(acronyms),
        len(outer) > 1,
    )


def same_name(a: NameForms, b: NameForms) -> bool:
    """The same words; or, when one is only an abbreviation, the same abbreviation or initials.
    Two names spelled out in different words differ, whatever their abbreviations."""
    if a.words and a.words == b.words:
        return True
    if a.spelled_out and b.spelled_out:
        return False
    if a.abbreviations & b.abbreviations:
        return True
    return bool(a.abbreviations & b.acronyms or b.abbreviations & a.acronyms)


def countries_agree(a: str | None, b: str | None) -> bool:
    """A missing country (a UN entity, say) agrees with any; two different ones do not."""
    return a is None or b is None or a == b


def matches(
    wanted: OrgName,
    candidates: Sequence[OrgName],
    country_words: Mapping[str, Sequence[str]] | None = None,
) -> list[OrgName]:
    """The candidates naming the same organisation as `wanted`, best first.

    Best: same kind, then same country, then the same words (rather than an abbreviation).
    `country_words` maps a country code to its names, dropped from names of that country
    ("Ecuador, Ministerio de ..." and "Ministerio de ..." in ECU are then the same).
    """
    words = country_words or {}
    forms = name_forms(wanted.name, words.get(wanted.country or "", ()))
    found = []
    for candidate in candidates:
        other = name_forms(candidate.name, words.get(candidate.country or "", ()))
        if candidate.key != wanted.key and countries_agree(wanted.country, candidate.country):
            if same_name(forms, other):
                rank = (
                    candidate.kind != wanted.kind,
                    candidate.country != wanted.country,
                    not (forms.words and forms.words == other.words),
                )
                found.append((rank, candidate))
    return [candidate for _rank, candidate in sorted(found, key=lambda pair: pair[0])]


def duplicate_groups(
    organisations: Sequence[OrgName], country_words: Mapping[str, Sequence[str]] | None = None
) -> list[list[OrgName]]:
    """Sets of organisations that name the same one (each of two or more), in the given order."""
    groups: list[list[OrgName]] = []
    grouped: set[int] = set()
    for index, organisation in enumerate(organisations):
        if index in grouped:
            continue
        later = [o for i, o in enumerate(organisations) if i > index and i not in grouped]
        found = matches(organisation, later, country_words)
        if found:
            ids = {id(o) for o in found}
            grouped.update(i for i, o in enumerate(organisations) if id(o) in ids)
            groups.append([organisation, *sorted(found, key=organisations.index)])
    return groups


def code_for(
    name: str, country: str | None, taken: Iterable[str], ignore: Iterable[str] = ()
) -> str:
    """A readable, unused code: the written abbreviation, the one word or the initials, upper
    case, then the country: "Ministry of Youth (MoY)", KEN -> "MOY-KEN"; "Oxfam" -> "OXFAM".
    The country's names (`ignore`) are left out when one word remains: "MIES Ecuador", ECU ->
    "MIES-ECU" (but "Kenya Red Cross", KEN -> "KRC-KEN")."""
    outer = [w for w in _words(_PARENTHESES.sub(" ", name)) if w not in FUNCTION_WORDS]
    country_words = {word for text in ignore for word in _words(text)}
    if len([w for w in outer if w not in country_words]) == 1:
        outer = [w for w in outer if w not in country_words]
    written = sorted(fold(inner).replace(" ", "") for inner in _PARENTHESES.findall(name))
    if written and written[0]:
        stem = written[0]
    elif len(outer) == 1:
        stem = outer[0][:20]
    else:
        stem = "".join(word[0] for word in outer)
    stem = re.sub(r"[^A-Z0-9]", "", stem.upper())[:30] or "ORG"
    base = f"{stem}-{country.upper()}" if country else stem
    used = {code.upper() for code in taken}
    code, n = base, 1
    while code.upper() in used:
        n += 1
        code = f"{base}-{n}"
    return code
