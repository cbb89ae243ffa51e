"""What each indicator source declares when its provider registers, and the check against it.

The results core knows no questionnaire: a feature registering a provider declares the question
keys its source answers and the answer codes of each (substantive ones, counted in the valid n,
and non-substantive ones such as "don't know"). Every framework indicator must then name a
declared source, a declared question of that source, and parts among its substantive codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from portal.results.framework import Framework, Indicator, RegistryError


@dataclass(frozen=True)
class AnswerCodes:
    """The answer codes of one question: `substantive` ones first, then the excluded ones."""

    substantive: tuple[str, ...]
    non_substantive: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.substantive:
            raise ValueError("a question needs at least one substantive answer code")
        codes = (*self.substantive, *self.non_substantive)
        if len(set(codes)) != len(codes):
            raise ValueError(f"answer codes repeat: {', '.join(codes)}")


@dataclass(frozen=True)
class SourceVocabulary:
    """The questions one indicator source answers (none for a source of counts or values)."""

    source: str
    questions: Mapping[str, AnswerCodes] = field(default_factory=dict)


def declare(source: str, questions: Mapping[str, AnswerCodes] | None = None) -> SourceVocabulary:
    return SourceVocabulary(source, dict(questions or {}))


def _indicator_problem(
    indicator: Indicator, declared: Mapping[str, SourceVocabulary]
) -> str | None:
    vocabulary = declared.get(indicator.source)
    if vocabulary is None:
        known = ", ".join(sorted(declared)) or "none"
        return f"source {indicator.source!r} has no registered provider (registered: {known})"
    if indicator.question_key is None:
        if vocabulary.questions:
            return f"{indicator.source} figures come from a question: question_key is required"
        return None
    codes = vocabulary.questions.get(indicator.question_key)
    if codes is None:
        return f"question {indicator.question_key} is not asked in {indicator.source}"
    for part in indicator.parts:
        if part not in codes.substantive:
            return (
                f"part {part!r} is not a substantive answer code of {indicator.question_key} "
                f"({', '.join(codes.substantive)})"
            )
    return None


def check_vocabulary(
    frameworks: Iterable[Framework],
    declared: Sequence[SourceVocabulary] | Mapping[str, SourceVocabulary],
) -> None:
    """RegistryError naming the framework file and the indicator of the first mismatch."""
    by_source = dict(declared) if isinstance(declared, Mapping) else {v.source: v for v in declared}
    for framework in frameworks:
        for indicator in framework.indicators():
            if (problem := _indicator_problem(indicator, by_source)) is not None:
                raise RegistryError(f"{framework.file_name}: indicator {indicator.code}: {problem}")
