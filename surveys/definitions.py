"""Survey definitions: the versioned YAML questionnaires, their checks and their answer rules."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml


def N_(message: str) -> str:
    """Mark a message id for extraction (a default Babel keyword); it is translated later."""
    return message


REQUIRED_LANGUAGES = ("en", "fr", "es", "zh")
UN_LANGUAGES = frozenset({"ar", "en", "es", "fr", "ru", "zh"})
QUESTION_TYPES = ("likert5", "single", "multiple", "text", "number", "date")
CHOICE_TYPES = frozenset({"likert5", "single", "multiple"})
LIKERT_CODES = (
    "fully_agree",
    "somewhat_agree",
    "neither",
    "somewhat_disagree",
    "fully_disagree",
    "dont_know",
    "not_applicable",
)
TEXT_MAX_LENGTH = 5000
# Names the answering form needs for itself; a question with one of them would be overwritten.
RESERVED_KEYS = frozenset({"csrf_token", "page", "action"})
DEFINITIONS_DIR = Path(__file__).with_name("definitions")

MSG_REQUIRED = N_("Please answer this question.")
MSG_NOT_AN_OPTION = N_("Choose one of the options offered.")
MSG_ONE_CHOICE = N_("Choose only one answer.")
MSG_EXCLUSIVE = N_("One of your choices cannot be combined with the others.")
MSG_ONE_VALUE = N_("Enter only one answer.")
MSG_TOO_LONG = N_("Shorten your answer to %(max)s characters or fewer.")
MSG_NUMBER = N_("Enter a number.")
MSG_WHOLE_NUMBER = N_("Enter a whole number.")
MSG_NUMBER_RANGE = N_("Enter a number between %(min)s and %(max)s.")
MSG_NUMBER_MIN = N_("Enter a number of at least %(min)s.")
MSG_NUMBER_MAX = N_("Enter a number of at most %(max)s.")
MSG_DATE = N_("Enter a date in the format YYYY-MM-DD.")
MSG_DATE_RANGE = N_("Enter a date between %(min)s and %(max)s.")
MSG_DATE_MIN = N_("Enter a date on or after %(min)s.")
MSG_DATE_MAX = N_("Enter a date on or before %(max)s.")
MSG_NOT_SHOWN = N_("This question does not apply given an earlier answer.")
MSG_UNKNOWN_QUESTION = N_("This question is not part of the survey.")
MSG_INVALID = N_("This answer is not valid.")

Answer = str | list[str] | int | float
FieldError = tuple[str, dict[str, Any]]

_KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,62}")
_FILE_RE = re.compile(r"(?P<key>[a-z][a-z0-9_]{0,62})\.v(?P<version>[1-9][0-9]*)\.ya?ml")
_INTEGER_RE = re.compile(r"[+-]?\d{1,15}")
_DECIMAL_RE = re.compile(r"[+-]?\d{1,15}(?:[.,]\d{1,15})?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Digit-group separators people type in fr/es/zh locales: space, no-break and narrow no-break space.
_DIGIT_GROUPING_RE = re.compile(r"[ \u00a0\u202f\u2009]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DefinitionError(ValueError):
    """A survey definition that cannot be used; the message names the file, question and problem."""

    def __init__(self, source: str, problem: str, question: str | None = None) -> None:
        self.source, self.problem, self.question = source, problem, question
        where = f"{source}: question {question!r}" if question else source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Option:
    code: str
    label: dict[str, str]
    exclusive: bool = False


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier choice question was answered with one of `values`."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    label: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    required: bool = False
    options: tuple[Option, ...] = ()
    show_if: Condition | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    integer: bool = False
    earliest: date | None = None
    latest: date | None = None
    max_length: int = TEXT_MAX_LENGTH
    multiline: bool = True

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)


@dataclass(frozen=True)
class Page:
    title: dict[str, str]
    questions: tuple[Question, ...]
    intro: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyDefinition:
    key: str
    version: int
    title: dict[str, str]
    intro: dict[str, str]
    pages: tuple[Page, ...]
    thanks: dict[str, str] = field(default_factory=dict)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for page in self.pages for question in page.questions)

    def question(self, key: str) -> Question:
        """The question with that key; KeyError if the survey has none."""
        for candidate in self.questions:
            if candidate.key == key:
                return candidate
        raise KeyError(key)


def _likert(*labels: tuple[str, str, str, str]) -> tuple[Option, ...]:
    return tuple(
        Option(code, dict(zip(REQUIRED_LANGUAGES, texts, strict=True)))
        for code, texts in zip(LIKERT_CODES, labels, strict=True)
    )


LIKERT_OPTIONS = _likert(
    ("Fully agree", "Tout à fait d'accord", "Totalmente de acuerdo", "完全同意"),
    ("Somewhat agree", "Plutôt d'accord", "Algo de acuerdo", "在一定程度上同意"),
    (
        "Neither agree nor disagree",
        "Ni d'accord ni pas d'accord",
        "Ni de acuerdo ni en desacuerdo",
        "既不同意也不反对",
    ),
    ("Somewhat disagree", "Plutôt pas d'accord", "Algo en desacuerdo", "在一定程度上不同意"),
    ("Fully disagree", "Pas du tout d'accord", "Totalmente en desacuerdo", "完全不同意"),
    ("Don't know", "Je ne sais pas", "No sé", "不知道"),
    ("Not applicable", "Sans objet", "No aplica", "不适用"),
)


def text_for(mapping: Mapping[str, str], locale: object | None) -> str:
    """The text in the locale's language ("fr", "fr_FR", "zh-Hans"...), else the English text."""
    if locale is not None:
        language = re.split(r"[-_]", str(locale), maxsplit=1)[0].lower()
        if mapping.get(language):
            return mapping[language]
    return mapping.get("en", "")


# --- reading and checking a definition -------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: list[Any] = []
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.append(key)
        return super().construct_mapping(node, deep)


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


def _translations(raw: object, src: str, key: str | None, what: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not raw:
        raise DefinitionError(src, f"{what} must map language codes (en, fr, es, zh) to text", key)
    texts: dict[str, str] = {}
    for language, text in raw.items():
        if language not in UN_LANGUAGES:
            raise DefinitionError(src, f"{what} has unknown language {language!r}", key)
        if not isinstance(text, str) or not text.strip():
            # YAML reads an unquoted yes/no/on/off as a boolean: say so, it is the usual cause.
            hint = " (quote words such as yes, no, on, off)" if isinstance(text, bool) else ""
            raise DefinitionError(src, f"{what} in {language!r} must be non-empty text{hint}", key)
        texts[language] = text.strip()
    missing = [language for language in REQUIRED_LANGUAGES if language not in texts]
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


def _options(raw: object, src: str, key: str, qtype: str) -> tuple[Option, ...]:
    if raw is None and qtype == "likert5":
        return LIKERT_OPTIONS
    if not isinstance(raw, list) or len(raw) < 2:
        raise DefinitionError(src, f"a {qtype} question needs a list of at least two options", key)
    options: list[Option] = []
    for number, item in enumerate(raw, 1):
        extra = {"exclusive"} if qtype == "multiple" else set()
        fields = _fields(item, src, key, f"option {number}", {"code", "label"}, extra)
        code = fields["code"]
        if not isinstance(code, str) or not _KEY_RE.fullmatch(code):
            hint = " (quote codes such as yes, no, on, off)" if isinstance(code, bool) else ""
            problem = f"option {number} has an invalid code {code!r}{hint}"
            raise DefinitionError(src, problem, key)
        if code in (option.code for option in options):
            raise DefinitionError(src, f"option code {code!r} is used twice", key)
        label = _translations(fields["label"], src, key, f"label of option {code!r}")
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


_COMMON_FIELDS = {"help", "required", "show_if"}
_TYPE_FIELDS = {
    "likert5": {"options"},
    "single": {"options"},
    "multiple": {"options"},
    "text": {"max_length", "multiline"},
    "number": {"min", "max", "integer"},
    "date": {"min", "max"},
}


def _question(raw: object, src: str, where: str, earlier: Mapping[str, Question]) -> Question:
    key = raw.get("key") if isinstance(raw, Mapping) else None
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        problem = f"{where} needs a key of lower-case letters, digits and _, not {key!r}"
        raise DefinitionError(src, problem)
    if key in RESERVED_KEYS:
        raise DefinitionError(src, "this key is reserved by the answering form", key)
    qtype = raw.get("type") if isinstance(raw, Mapping) else None
    if qtype not in QUESTION_TYPES:
        problem = f"unknown type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}"
        raise DefinitionError(src, problem, key)
    optional = _COMMON_FIELDS | _TYPE_FIELDS[qtype]
    fields = _fields(raw, src, key, f"a {qtype} question", {"key", "type", "label"}, optional)
    extra: dict[str, Any] = {}
    if qtype in CHOICE_TYPES:
        extra["options"] = _options(fields.get("options"), src, key, qtype)
    elif qtype == "number":
        extra["integer"] = _flag(fields, "integer", False, src, key)
        extra["minimum"], extra["maximum"] = _number_bounds(fields, src, key, extra["integer"])
    elif qtype == "date":
        extra["earliest"], extra["latest"] = _date_bounds(fields, src, key)
    else:
        max_length = fields.get("max_length", TEXT_MAX_LENGTH)
        if type(max_length) is not int or not 1 <= max_length <= TEXT_MAX_LENGTH:
            problem = f"max_length must be a whole number from 1 to {TEXT_MAX_LENGTH}"
            raise DefinitionError(src, problem, key)
        extra["max_length"] = max_length
        extra["multiline"] = _flag(fields, "multiline", True, src, key)
    show_if = fields.get("show_if")
    return Question(
        key=key,
        type=qtype,
        label=_translations(fields["label"], src, key, "label"),
        help=_translations(fields["help"], src, key, "help") if "help" in fields else {},
        required=_flag(fields, "required", False, src, key),
        show_if=_condition(show_if, src, key, earlier) if show_if is not None else None,
        **extra,
    )


def from_dict(data: Mapping[str, Any], source: str = "<snapshot>") -> SurveyDefinition:
    """Check a definition given as plain data (a parsed YAML file or a stored JSON snapshot)."""
    required = {"key", "version", "title", "intro", "pages"}
    top = _fields(data, source, None, "the definition", required, {"thanks"})
    key, version = top["key"], top["version"]
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise DefinitionError(source, f"key must be lower-case letters, digits and _, not {key!r}")
    if type(version) is not int or version < 1:
        raise DefinitionError(source, f"version must be a whole number from 1, not {version!r}")
    if not isinstance(top["pages"], list) or not top["pages"]:
        raise DefinitionError(source, "pages must be a non-empty list")
    earlier: dict[str, Question] = {}
    pages: list[Page] = []
    for page_number, raw_page in enumerate(top["pages"], 1):
        where = f"page {page_number}"
        page = _fields(raw_page, source, None, where, {"title", "questions"}, {"intro"})
        if not isinstance(page["questions"], list) or not page["questions"]:
            raise DefinitionError(source, f"{where} needs a non-empty list of questions")
        questions: dict[str, Question] = {}
        for number, raw_question in enumerate(page["questions"], 1):
            question = _question(raw_question, source, f"question {number} of {where}", earlier)
            if question.key in earlier or question.key in questions:
                raise DefinitionError(source, "duplicate question key", question.key)
            questions[question.key] = question
        earlier.update(questions)
        pages.append(
            Page(
                title=_translations(page["title"], source, None, f"title of {where}"),
                questions=tuple(questions.values()),
                intro=_translations(page["intro"], source, None, f"intro of {where}")
                if "intro" in page
                else {},
            )
        )
    return SurveyDefinition(
        key=key,
        version=version,
        title=_translations(top["title"], source, None, "title"),
        intro=_translations(top["intro"], source, None, "intro"),
        pages=tuple(pages),
        thanks=_translations(top["thanks"], source, None, "thanks") if "thanks" in top else {},
    )


def load_definition(path: str | Path) -> SurveyDefinition:
    """Read and check one definition file named `<key>.v<version>.yaml`."""
    path = Path(path)
    source = str(path)
    name = _FILE_RE.fullmatch(path.name)
    if name is None:
        raise DefinitionError(source, "the file name must be <key>.v<version>.yaml")
    try:
        loader = _UniqueKeyLoader(path.read_text(encoding="utf-8"))
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DefinitionError(source, f"cannot be read as YAML: {exc}") from exc
    definition = from_dict(data, source)
    if (definition.key, definition.version) != (name["key"], int(name["version"])):
        problem = (
            f"the file name says {name['key']} version {int(name['version'])} "
            f"but the content says {definition.key} version {definition.version}"
        )
        raise DefinitionError(source, problem)
    return definition


def load_all(directory: str | Path = DEFINITIONS_DIR) -> dict[tuple[str, int], SurveyDefinition]:
    """Every definition in the directory, by (key, version)."""
    found: dict[tuple[str, int], SurveyDefinition] = {}
    for path in sorted(Path(directory).iterdir()):
        if path.suffix in (".yaml", ".yml"):
            definition = load_definition(path)
            ident = (definition.key, definition.version)
            if ident in found:
                raise DefinitionError(str(path), f"{ident[0]} version {ident[1]} is defined twice")
            found[ident] = definition
    return found


def latest(definitions: Mapping[tuple[str, int], SurveyDefinition], key: str) -> SurveyDefinition:
    """The highest version of the survey `key`; LookupError if there is none."""
    versions = [definition for (k, _), definition in definitions.items() if k == key]
    if not versions:
        raise LookupError(f"no survey definition with key {key!r}")
    return max(versions, key=lambda definition: definition.version)


def to_dict(definition: SurveyDefinition) -> dict[str, Any]:
    """Plain JSON-ready data, with every default spelled out, that `from_dict` reads back."""
    data: dict[str, Any] = {
        "key": definition.key,
        "version": definition.version,
        "title": dict(definition.title),
        "intro": dict(definition.intro),
        "pages": [
            {
                "title": dict(page.title),
                **({"intro": dict(page.intro)} if page.intro else {}),
                "questions": [_question_dict(question) for question in page.questions],
            }
            for page in definition.pages
        ],
    }
    if definition.thanks:
        data["thanks"] = dict(definition.thanks)
    return data


def _question_dict(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": question.key,
        "type": question.type,
        "label": dict(question.label),
        "required": question.required,
    }
    if question.help:
        data["help"] = dict(question.help)
    if question.show_if is not None:
        data["show_if"] = {
            "question": question.show_if.question,
            "in": list(question.show_if.values),
        }
    if question.type in CHOICE_TYPES:
        data["options"] = [
            {"code": o.code, "label": dict(o.label), **({"exclusive": True} if o.exclusive else {})}
            for o in question.options
        ]
    elif question.type == "number":
        data["integer"] = question.integer
        bounds = {"min": question.minimum, "max": question.maximum}
        data.update({name: value for name, value in bounds.items() if value is not None})
    elif question.type == "date":
        bounds_dates = {"min": question.earliest, "max": question.latest}
        data.update(
            {n: value.isoformat() for n, value in bounds_dates.items() if value is not None}
        )
    else:
        data["max_length"] = question.max_length
        data["multiline"] = question.multiline
    return data


def content_hash(definition: SurveyDefinition) -> str:
    """sha256 of the canonical content: equal for equal meaning, whatever the YAML layout."""
    canonical = json.dumps(
        to_dict(definition), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- answering: visibility, cleaning and checking answers ------------------------------------


def _page(definition: SurveyDefinition, page_index: int) -> Page:
    if not 0 <= page_index < len(definition.pages):
        raise IndexError(f"{definition.key} v{definition.version} has no page {page_index}")
    return definition.pages[page_index]


def is_visible(question: Question, answers: Mapping[str, Answer]) -> bool:
    """Whether the question is asked, given answers to the earlier questions."""
    if question.show_if is None:
        return True
    given = answers.get(question.show_if.question)
    chosen = given if isinstance(given, list) else [given]
    return any(code in question.show_if.values for code in chosen)


def prune_hidden(definition: SurveyDefinition, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers without those to unknown questions or to questions no longer shown."""
    kept: dict[str, Answer] = {}
    for question in definition.questions:
        if question.key in answers and is_visible(question, kept):
            kept[question.key] = answers[question.key]
    return kept


def visible_questions(
    definition: SurveyDefinition, page_index: int, answers: Mapping[str, Answer]
) -> list[Question]:
    """The page's questions to show; conditions only read earlier pages, so no script is needed."""
    context = prune_hidden(definition, answers)
    return [q for q in _page(definition, page_index).questions if is_visible(q, context)]


def next_page_index(
    definition: SurveyDefinition, page_index: int, answers: Mapping[str, Answer]
) -> int | None:
    """The next page with a question to show, or None after the last one (page 0 always shows)."""
    for index in range(page_index + 1, len(definition.pages)):
        if visible_questions(definition, index, answers):
            return index
    return None


def previous_page_index(
    definition: SurveyDefinition, page_index: int, answers: Mapping[str, Answer]
) -> int | None:
    """The previous page with a question to show, or None before the first one."""
    for index in range(min(page_index, len(definition.pages)) - 1, -1, -1):
        if visible_questions(definition, index, answers):
            return index
    return None


def progress(definition: SurveyDefinition, page_index: int) -> tuple[int, int]:
    """(current page number from 1, number of pages)."""
    _page(definition, page_index)
    return page_index + 1, len(definition.pages)


def _bounds_error(low: object, high: object, messages: tuple[str, str, str]) -> FieldError:
    if low is not None and high is not None:
        return messages[0], {"min": low, "max": high}
    if low is not None:
        return messages[1], {"min": low}
    return messages[2], {"max": high}


def _clean_choice(question: Question, values: list[str]) -> tuple[Answer | None, FieldError | None]:
    chosen = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if not chosen:
        return None, None
    if any(code not in question.codes for code in chosen):
        return None, (MSG_NOT_AN_OPTION, {})
    if question.type != "multiple":
        return (chosen[0], None) if len(chosen) == 1 else (None, (MSG_ONE_CHOICE, {}))
    exclusive = [o.code for o in question.options if o.exclusive and o.code in chosen]
    if exclusive and len(chosen) > 1:
        return None, (MSG_EXCLUSIVE, {"option": exclusive[0]})
    return [code for code in question.codes if code in chosen], None


def _clean_text(question: Question, value: str) -> tuple[Answer | None, FieldError | None]:
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL_RE.sub("", text).strip()
    if len(text) > question.max_length:
        return None, (MSG_TOO_LONG, {"max": question.max_length, "length": len(text)})
    return text or None, None


def _clean_number(question: Question, value: str) -> tuple[Answer | None, FieldError | None]:
    compact = _DIGIT_GROUPING_RE.sub("", value.strip())
    if not (_INTEGER_RE if question.integer else _DECIMAL_RE).fullmatch(compact):
        return None, ((MSG_WHOLE_NUMBER if question.integer else MSG_NUMBER), {})
    number: int | float = int(compact) if question.integer else float(compact.replace(",", "."))
    low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        return None, _bounds_error(low, high, (MSG_NUMBER_RANGE, MSG_NUMBER_MIN, MSG_NUMBER_MAX))
    return number, None


def _clean_date(question: Question, value: str) -> tuple[Answer | None, FieldError | None]:
    try:
        if not _DATE_RE.fullmatch(value.strip()):
            raise ValueError(value)
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None, (MSG_DATE, {})
    low, high = question.earliest, question.latest
    if (low is not None and day < low) or (high is not None and day > high):
        iso = (low.isoformat() if low else None, high.isoformat() if high else None)
        return None, _bounds_error(*iso, (MSG_DATE_RANGE, MSG_DATE_MIN, MSG_DATE_MAX))
    return day.isoformat(), None


_CLEANERS = {"text": _clean_text, "number": _clean_number, "date": _clean_date}


def clean_answer(
    question: Question, raw: str | Sequence[str]
) -> tuple[Answer | None, FieldError | None]:
    """(cleaned value or None when unanswered, error or None) for the submitted strings."""
    values = [raw] if isinstance(raw, str) else list(raw)
    if not all(isinstance(value, str) for value in values):
        return None, (MSG_INVALID, {})
    if question.type in CHOICE_TYPES:
        return _clean_choice(question, values)
    given = [value for value in values if value.strip()]
    if len(given) > 1:
        return None, (MSG_ONE_VALUE, {})
    return _CLEANERS[question.type](question, given[0]) if given else (None, None)


def _submitted(formdata: Mapping[str, str | Sequence[str]], key: str) -> str | Sequence[str]:
    # A werkzeug MultiDict answers .get() with its first value only; every value counts here.
    getlist = getattr(formdata, "getlist", None)
    return getlist(key) if callable(getlist) else formdata.get(key, ())


def validate_page(
    definition: SurveyDefinition,
    page_index: int,
    formdata: Mapping[str, str | Sequence[str]],
    answers_so_far: Mapping[str, Answer],
) -> tuple[dict[str, Answer], dict[str, FieldError]]:
    """Clean one submitted page: (answers to its shown questions, errors by question key).

    `formdata` maps a field name to its submitted values (`request.form` or a plain dict of lists);
    fields other than the page's shown questions are ignored, so hidden answers are never stored.
    """
    cleaned: dict[str, Answer] = {}
    errors: dict[str, FieldError] = {}
    for question in visible_questions(definition, page_index, answers_so_far):
        value, error = clean_answer(question, _submitted(formdata, question.key))
        if error is not None:
            errors[question.key] = error
        elif value is not None:
            cleaned[question.key] = value
        elif question.required:
            errors[question.key] = (MSG_REQUIRED, {})
    return cleaned, errors


def merge_page(
    definition: SurveyDefinition,
    page_index: int,
    answers_so_far: Mapping[str, Answer],
    cleaned: Mapping[str, Answer],
) -> dict[str, Answer]:
    """The answers once a page is saved: its old answers replaced, now-hidden ones dropped."""
    page_keys = {question.key for question in _page(definition, page_index).questions}
    merged = {key: value for key, value in answers_so_far.items() if key not in page_keys}
    merged.update(cleaned)
    return prune_hidden(definition, merged)


def clean_complete(
    definition: SurveyDefinition, formdata: Mapping[str, str | Sequence[str]]
) -> tuple[dict[str, Answer], dict[str, FieldError]]:
    """`validate_page` over every page in order, for a whole response given as strings at once."""
    answers: dict[str, Answer] = {}
    errors: dict[str, FieldError] = {}
    for page_index in range(len(definition.pages)):
        cleaned, page_errors = validate_page(definition, page_index, formdata, answers)
        answers.update(cleaned)
        errors.update(page_errors)
    return answers, errors


def _as_strings(value: object) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Decimal prints 1e-05 as 0.00001, which the number rule reads back.
        return [str(value) if isinstance(value, int) else format(Decimal(repr(value)), "f")]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def validate_complete(
    definition: SurveyDefinition, answers: Mapping[str, object]
) -> dict[str, FieldError]:
    """Errors in a whole stored-form response (as `validate_page` returns), by question key.

    Same rules as the pages, plus: no unknown question keys and no answer to a question that the
    other answers hide.
    """
    errors: dict[str, FieldError] = {}
    known = {question.key for question in definition.questions}
    formdata: dict[str, list[str]] = {}
    for key, value in answers.items():
        strings = _as_strings(value)
        if key not in known:
            errors[key] = (MSG_UNKNOWN_QUESTION, {})
        elif strings is None:
            errors[key] = (MSG_INVALID, {})
        else:
            formdata[key] = strings
    cleaned, field_errors = clean_complete(definition, formdata)
    for key, error in field_errors.items():
        errors.setdefault(key, error)
    for key, strings in formdata.items():
        if key not in cleaned and key not in errors and any(s.strip() for s in strings):
            errors[key] = (MSG_NOT_SHOWN, {})
    return errors
