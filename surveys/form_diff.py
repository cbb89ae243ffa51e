"""What changed between two versions of a survey: questions added, removed, reworded, re-coded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.questionnaire import Option, Question, SurveyDefinition

TEXT_FIELDS = ("label", "help")
# A question's rule fields, as comparable text ("" when unset).
RULE_FIELDS = ("type", "required", "relevant", "constraint")


@dataclass(frozen=True)
class TextChange:
    """A text (label, help) changed in at least one language; `languages` lists which."""

    field: str
    old: Mapping[str, str]
    new: Mapping[str, str]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class RuleChange:
    """A rule of the question changed: its type, whether it is required, when it is asked or
    what it accepts (expressions as written in the form)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ChoiceChange:
    code: str
    kind: str  # "added", "removed" or "relabelled"
    old: Mapping[str, str]
    new: Mapping[str, str]


@dataclass(frozen=True)
class QuestionChange:
    key: str
    label: Mapping[str, str]  # the newer version's
    texts: tuple[TextChange, ...]
    rules: tuple[RuleChange, ...]
    choices: tuple[ChoiceChange, ...]


@dataclass(frozen=True)
class DefinitionDiff:
    old_version: int
    new_version: int
    added: tuple[Question, ...]
    removed: tuple[Question, ...]
    changed: tuple[QuestionChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _all_questions(definition: SurveyDefinition) -> dict[str, Question]:
    """Every question of the survey by key, notes included (their text is shown too)."""
    return {q.key: q for page in definition.pages for q in page.questions}


def _text_change(field: str, old: Mapping[str, str], new: Mapping[str, str]) -> TextChange | None:
    languages = tuple(
        sorted(code for code in set(old) | set(new) if old.get(code, "") != new.get(code, ""))
    )
    return TextChange(field, dict(old), dict(new), languages) if languages else None


def rule_text(question: Question, field: str) -> str:
    """A rule as comparable text: the type, "yes"/"no" or a condition, the expression."""
    if field == "type":
        return question.type
    if field == "required":
        return question.required_if or ("yes" if question.required else "no")
    if field == "relevant":
        parts = [question.relevant] if question.relevant else []
        if question.show_if is not None:
            codes = " ".join(question.show_if.values)
            parts.append(f"{question.show_if.question} in ({codes})")
        return " and ".join(parts)
    return question.constraint or ""


def _choice_changes(old: tuple[Option, ...], new: tuple[Option, ...]) -> tuple[ChoiceChange, ...]:
    before = {option.code: option for option in old}
    after = {option.code: option for option in new}
    changes = [ChoiceChange(o.code, "removed", o.label, {}) for o in old if o.code not in after]
    for option in new:
        previous = before.get(option.code)
        if previous is None:
            changes.append(ChoiceChange(option.code, "added", {}, option.label))
        elif previous.label != option.label:
            changes.append(ChoiceChange(option.code, "relabelled", previous.label, option.label))
    return tuple(changes)


def _question_change(old: Question, new: Question) -> QuestionChange | None:
    texts = tuple(
        change
        for field in TEXT_FIELDS
        if (change := _text_change(field, getattr(old, field), getattr(new, field)))
    )
    rules = tuple(
        RuleChange(field, rule_text(old, field), rule_text(new, field))
        for field in RULE_FIELDS
        if rule_text(old, field) != rule_text(new, field)
    )
    choices = _choice_changes(old.options, new.options)
    if not (texts or rules or choices):
        return None
    return QuestionChange(new.key, new.label, texts, rules, choices)


def diff_definitions(old: SurveyDefinition, new: SurveyDefinition) -> DefinitionDiff:
    """The changes from `old` to `new`, question by question in the newer version's order
    (removed ones in the older version's order)."""
    before, after = _all_questions(old), _all_questions(new)
    changed = tuple(
        change
        for key, question in after.items()
        if key in before and (change := _question_change(before[key], question))
    )
    return DefinitionDiff(
        old_version=old.version,
        new_version=new.version,
        added=tuple(q for key, q in after.items() if key not in before),
        removed=tuple(q for key, q in before.items() if key not in after),
        changed=changed,
    )
