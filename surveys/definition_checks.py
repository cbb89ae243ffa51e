"""Checking a survey definition given as plain data (parsed YAML or a stored snapshot)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from surveys.answer_rules import clean_answer
from surveys.definition_expressions import Scope, checked_expression
from surveys.questionnaire import (
    AUDIENCES,
    CHOICE_TYPES,
    KEY_RE,
    LIKERT_CODES,
    LIKERT_OPTIONS,
    NOTE_TYPE,
    QUESTION_TYPES,
    REQUIRED_LANGUAGES,
    RESERVED_KEYS,
    SHIPPED_AUDIENCES,
    TEXT_MAX_LENGTH,
    UN_LANGUAGES,
    Condition,
    DefinitionError,
    Option,
    Page,
    Question,
    SurveyDefinition,
)
from surveys.roster_answers import check_roster_fields

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _fields(
    raw: object, src: str, key: str | None, what: str, required: set[str], optional: set[str]
) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DefinitionError(src, f"{what} must be a mapping", key)
    unknown = sorted(str(name) for name in raw if name not in required | optional)
    if unknown:
        raise DefinitionError(src, f"{what} has unknown field(s): {', '.join(unknown)}", key)
    missing = sorted(required - set(raw))
    if missing:
        raise DefinitionError(src, f"{what} is missing {', '.join(missing)}", key)
    return raw


Languages = tuple[str, ...]


def _translations(
    raw: object, src: str, key: str | None, what: str, languages: Languages = REQUIRED_LANGUAGES
) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not raw:
        codes = ", ".join(languages)
        raise DefinitionError(src, f"{what} must map language codes ({codes}) to text", key)
    texts: dict[str, str] = {}
    for language, text in raw.items():
        if language not in UN_LANGUAGES:
            raise DefinitionError(src, f"{what} has unknown language {language!r}", key)
        if not isinstance(text, str) or not text.strip():
            # YAML reads an unquoted yes/no/on/off as a boolean: say so, it is the usual cause.
            hint = " (quote words such as yes, no, on, off)" if isinstance(text, bool) else ""
            raise DefinitionError(src, f"{what} in {language!r} must be non-empty text{hint}", key)
        texts[language] = text.strip()
    missing = [language for language in languages if language not in texts]
    if missing:
        raise DefinitionError(
            src, f"{what} is missing the translation in {', '.join(missing)}", key
        )
    return texts


def _flag(fields: Mapping[str, Any], name: str, default: bool, src: str, key: str) -> bool:
    value = fields.get(name, default)
    if not isinstance(value, bool):
        raise DefinitionError(src, f"{name} must be true or false", key)
    return value


def _options(
    raw: object, src: str, key: str, qtype: str, languages: Languages
) -> tuple[Option, ...]:
    if raw is None and qtype == "likert5":
        return LIKERT_OPTIONS
    if not isinstance(raw, list) or len(raw) < 2:
        raise DefinitionError(src, f"a {qtype} question needs a list of at least two options", key)
    options: list[Option] = []
    for number, item in enumerate(raw, 1):
        extra = {"exclusive"} if qtype == "multiple" else set()
        fields = _fields(item, src, key, f"option {number}", {"code", "label"}, extra)
        code = fields["code"]
        if not isinstance(code, str) or not KEY_RE.fullmatch(code):
            hint = " (quote codes such as yes, no, on, off)" if isinstance(code, bool) else ""
            problem = f"option {number} has an invalid code {code!r}{hint}"
            raise DefinitionError(src, problem, key)
        if code in (option.code for option in options):
            raise DefinitionError(src, f"option code {code!r} is used twice", key)
        label = _translations(fields["label"], src, key, f"label of option {code!r}", languages)
        options.append(Option(code, label, _flag(fields, "exclusive", False, src, key)))
    if qtype == "likert5" and tuple(option.code for option in options) != LIKERT_CODES:
        raise DefinitionError(src, f"likert5 options must be {', '.join(LIKERT_CODES)}", key)
    return tuple(options)


def _condition(raw: object, src: str, key: str, earlier: Mapping[str, Question]) -> Condition:
    fields = _fields(raw, src, key, "show_if", {"question", "in"}, set())
    target_key = fields["question"]
    target = earlier.get(target_key) if isinstance(target_key, str) else None
    if target is None:
        problem = f"show_if refers to {target_key!r}, which is not a question on an earlier page"
        raise DefinitionError(src, problem, key)
    if target.type not in CHOICE_TYPES:
        raise DefinitionError(src, f"show_if refers to {target.key!r}, not a choice question", key)
    values = fields["in"]
    if not isinstance(values, list) or not values:
        raise DefinitionError(src, "show_if 'in' must be a non-empty list of answer codes", key)
    unknown = [str(value) for value in values if value not in target.codes]
    if unknown:
        problem = f"show_if lists {', '.join(unknown)}, not answer codes of {target.key!r}"
        raise DefinitionError(src, problem, key)
    return Condition(target.key, tuple(dict.fromkeys(values)))


def _number_bounds(
    fields: Mapping[str, Any], src: str, key: str, integer: bool
) -> tuple[int | float | None, int | float | None]:
    bounds: list[int | float | None] = []
    for name in ("min", "max"):
        value = fields.get(name)
        valid_type = int if integer else (int, float)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, valid_type) or not math.isfinite(value)
        ):
            kind = "a whole number" if integer else "a number"
            raise DefinitionError(src, f"{name} must be {kind}, not {value!r}", key)
        bounds.append(value)
    low, high = bounds
    if low is not None and high is not None and low > high:
        raise DefinitionError(src, f"min ({low}) is greater than max ({high})", key)
    return low, high


def _date_bounds(fields: Mapping[str, Any], src: str, key: str) -> tuple[date | None, date | None]:
    bounds: list[date | None] = []
    for name in ("min", "max"):
        value = fields.get(name)
        if isinstance(value, str) and _DATE_RE.fullmatch(value):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        if value is not None and (type(value) is not date):
            raise DefinitionError(src, f"{name} must be a date (YYYY-MM-DD), not {value!r}", key)
        bounds.append(value)
    low, high = bounds
    if low is not None and high is not None and low > high:
        raise DefinitionError(src, f"min ({low}) is later than max ({high})", key)
    return low, high


_COMMON_FIELDS = {
    "help",
    "required",
    "show_if",
    "relevant",
    "constraint",
    "constraint_message",
    "required_if",
    "required_message",
    "default",
    "roster",
    "roster_use",
}
_TYPE_FIELDS = {
    "likert5": {"options"},
    "single": {"options"},
    "multiple": {"options"},
    "text": {"max_length", "multiline"},
    "number": {"min", "max", "integer"},
    "date": {"min", "max"},
}
_NOTE_FIELDS = {"help", "relevant"}


@dataclass(frozen=True)
class _Context:
    src: str
    languages: Languages
    earlier: Mapping[str, Question]
    scope: Scope


def _type_extra(fields: Mapping[str, Any], qtype: str, key: str, ctx: _Context) -> dict[str, Any]:
    src = ctx.src
    extra: dict[str, Any] = {}
    if qtype in CHOICE_TYPES:
        extra["options"] = _options(fields.get("options"), src, key, qtype, ctx.languages)
    elif qtype == "number":
        extra["integer"] = _flag(fields, "integer", False, src, key)
        extra["minimum"], extra["maximum"] = _number_bounds(fields, src, key, extra["integer"])
    elif qtype == "date":
        extra["earliest"], extra["latest"] = _date_bounds(fields, src, key)
    elif qtype == "text":
        max_length = fields.get("max_length", TEXT_MAX_LENGTH)
        if type(max_length) is not int or not 1 <= max_length <= TEXT_MAX_LENGTH:
            problem = f"max_length must be a whole number from 1 to {TEXT_MAX_LENGTH}"
            raise DefinitionError(src, problem, key)
        extra["max_length"] = max_length
        extra["multiline"] = _flag(fields, "multiline", True, src, key)
    return extra


def _texts(fields: Mapping[str, Any], name: str, key: str, ctx: _Context) -> dict[str, str]:
    if name not in fields:
        return {}
    return _translations(fields[name], ctx.src, key, name.replace("_", " "), ctx.languages)


def _expressions(fields: Mapping[str, Any], key: str, ctx: _Context) -> dict[str, Any]:
    names = ("relevant", "constraint", "required_if")
    return {name: checked_expression(fields, name, ctx.src, key, ctx.scope) for name in names}


def _default(question: Question, src: str) -> Question:
    if question.default is None:
        return question
    if not isinstance(question.default, str) or not question.default.strip():
        raise DefinitionError(src, "default must be a non-empty answer", question.key, "default")
    raw = question.default.split() if question.type == "multiple" else question.default
    value, error = clean_answer(question, raw)
    if error is not None or value is None:
        problem = f"default {question.default!r} is not a valid answer to this question"
        raise DefinitionError(src, problem, question.key, "default")
    return question


def _question(raw: object, where: str, ctx: _Context) -> Question:
    src = ctx.src
    key = raw.get("key") if isinstance(raw, Mapping) else None
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        problem = f"{where} needs a key of lower-case letters, digits and _, not {key!r}"
        raise DefinitionError(src, problem)
    if key in RESERVED_KEYS:
        raise DefinitionError(src, "this key is reserved by the answering form", key)
    qtype = raw.get("type") if isinstance(raw, Mapping) else None
    if qtype not in QUESTION_TYPES:
        problem = f"unknown type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}"
        raise DefinitionError(src, problem, key, "type")
    optional = _NOTE_FIELDS if qtype == NOTE_TYPE else _COMMON_FIELDS | _TYPE_FIELDS[qtype]
    fields = _fields(raw, src, key, f"a {qtype} question", {"key", "type", "label"}, optional)
    show_if = fields.get("show_if")
    question = Question(
        key=key,
        type=qtype,
        label=_translations(fields["label"], src, key, "label", ctx.languages),
        help=_texts(fields, "help", key, ctx),
        required=_flag(fields, "required", False, src, key),
        show_if=_condition(show_if, src, key, ctx.earlier) if show_if is not None else None,
        constraint_message=_texts(fields, "constraint_message", key, ctx),
        required_message=_texts(fields, "required_message", key, ctx),
        default=fields.get("default"),
        roster=fields.get("roster"),
        roster_use=fields.get("roster_use", "prefill"),
        **_expressions(fields, key, ctx),
        **_type_extra(fields, qtype, key, ctx),
    )
    return check_roster_fields(_default(question, src), src)


def _languages(raw: object, src: str) -> Languages:
    if raw is None:
        return REQUIRED_LANGUAGES
    if (
        not isinstance(raw, list)
        or not all(isinstance(code, str) and code in UN_LANGUAGES for code in raw)
        or len(set(raw)) != len(raw)
        or "en" not in raw
    ):
        problem = "languages must list distinct UN language codes, English (en) among them"
        raise DefinitionError(src, problem)
    return tuple(raw)


def _all_keys(pages: list[Any]) -> frozenset[str]:
    keys = set()
    for page in pages:
        for raw in page.get("questions", []) if isinstance(page, Mapping) else []:
            answered = isinstance(raw, Mapping) and raw.get("type") != NOTE_TYPE
            if answered and isinstance(raw.get("key"), str):
                keys.add(raw["key"])
    return frozenset(keys)


def _page(raw_page: object, where: str, ctx: _Context, earlier: dict[str, Question]) -> Page:
    source = ctx.src
    page = _fields(raw_page, source, None, where, {"title", "questions"}, {"intro", "relevant"})
    if not isinstance(page["questions"], list) or not page["questions"]:
        raise DefinitionError(source, f"{where} needs a non-empty list of questions")
    everywhere = ctx.scope.everywhere
    keys = frozenset(q.get("key") for q in page["questions"] if isinstance(q, Mapping))
    before = frozenset(earlier) & everywhere
    page_scope = Scope(before, frozenset(), everywhere)
    scope = Scope(before, frozenset(k for k in keys if k in everywhere), everywhere)
    question_ctx = _Context(source, ctx.languages, earlier, scope)
    questions: dict[str, Question] = {}
    for number, raw_question in enumerate(page["questions"], 1):
        question = _question(raw_question, f"question {number} of {where}", question_ctx)
        if question.key in earlier or question.key in questions:
            raise DefinitionError(source, "duplicate question key", question.key, "key")
        questions[question.key] = question
    title = _translations(page["title"], source, None, f"title of {where}", ctx.languages)
    intro = page.get("intro")
    return Page(
        title=title,
        questions=tuple(questions.values()),
        intro=_translations(intro, source, None, f"intro of {where}", ctx.languages)
        if intro is not None
        else {},
        relevant=checked_expression(page, "relevant", source, None, page_scope),
    )


def from_dict(data: Mapping[str, Any], source: str = "<snapshot>") -> SurveyDefinition:
    """Check a definition given as plain data (a parsed YAML file or a stored JSON snapshot)."""
    required = {"key", "version", "title", "pages"}
    optional = {"intro", "thanks", "languages", "audience"}
    top = _fields(data, source, None, "the definition", required, optional)
    key, version = top["key"], top["version"]
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise DefinitionError(source, f"key must be lower-case letters, digits and _, not {key!r}")
    if type(version) is not int or version < 1:
        raise DefinitionError(source, f"version must be a whole number from 1, not {version!r}")
    if not isinstance(top["pages"], list) or not top["pages"]:
        raise DefinitionError(source, "pages must be a non-empty list")
    languages = _languages(top.get("languages"), source)
    audience = _audience(top.get("audience"), key, source)
    everywhere = _all_keys(top["pages"])
    ctx = _Context(source, languages, {}, Scope(frozenset(), frozenset(), everywhere))
    earlier: dict[str, Question] = {}
    pages: list[Page] = []
    for page_number, raw_page in enumerate(top["pages"], 1):
        page = _page(raw_page, f"page {page_number}", ctx, earlier)
        earlier.update({q.key: q for q in page.questions})
        pages.append(page)

    def texts(name: str) -> dict[str, str]:
        return _translations(top[name], source, None, name, languages)

    return SurveyDefinition(
        key=key,
        version=version,
        title=texts("title"),
        intro=texts("intro") if "intro" in top else {},
        pages=tuple(pages),
        thanks=texts("thanks") if "thanks" in top else {},
        languages=languages if "languages" in top else (),
        audience=audience,
    )


def _audience(raw: object, key: str, src: str) -> str | None:
    if raw is None:
        return None
    if key in SHIPPED_AUDIENCES:
        problem = f"the {key} survey asks {SHIPPED_AUDIENCES[key]}s: it takes no audience"
        raise DefinitionError(src, problem, None, "audience")
    if raw not in AUDIENCES:
        raise DefinitionError(
            src, f"audience must be one of {', '.join(AUDIENCES)}", None, "audience"
        )
    return str(raw)
