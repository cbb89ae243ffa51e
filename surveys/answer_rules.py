"""Answer rules: cleaning and checking submitted answers, page by page or a whole response."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from portal.markers import N_
from surveys.expressions import evaluate
from surveys.page_flow import page_at, prune_hidden, shown_questions
from surveys.questionnaire import (
    CHOICE_TYPES,
    NOTE_TYPE,
    Answer,
    FieldError,
    Question,
    SurveyDefinition,
)

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
MSG_CONDITION_MISSING = N_(
    "This question is asked only after an answer to %(question)s, and that answer is missing."
)
MSG_UNKNOWN_QUESTION = N_("This question is not part of the survey.")
MSG_INVALID = N_("This answer is not valid.")
MSG_CONSTRAINT = N_("This answer is not accepted; please check it.")

_INTEGER_RE = re.compile(r"[+-]?\d{1,15}")
_DECIMAL_RE = re.compile(r"[+-]?\d{1,15}(?:[.,]\d{1,15})?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Digit-group separators people type in fr/es/zh locales: space, no-break and narrow no-break space.
_DIGIT_GROUPING_RE = re.compile(r"[ \u00a0\u202f\u2009]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    if not values:
        return None, None  # nothing submitted: unanswered, whatever the type
    if not all(isinstance(value, str) for value in values):
        return None, (MSG_INVALID, {})
    if question.type == NOTE_TYPE:
        return None, None
    if question.type in CHOICE_TYPES:
        return _clean_choice(question, values)
    given = [value for value in values if value.strip()]
    if len(given) > 1:
        return None, (MSG_ONE_VALUE, {})
    return _CLEANERS[question.type](question, given[0]) if given else (None, None)


def validate_page(
    definition: SurveyDefinition,
    page_index: int,
    formdata: Mapping[str, str | Sequence[str]],
    answers_so_far: Mapping[str, Answer],
    *,
    require: bool = True,
) -> tuple[dict[str, Answer], dict[str, FieldError]]:
    """Clean one submitted page: (answers to its shown questions, errors by question key).

    `formdata` maps a field name to its submitted values (`request.form` or a plain dict of lists);
    fields other than the page's shown questions are ignored, so hidden answers are never stored.
    With `require` false, an unanswered `required` question is not an error (imports: `required`
    governs the web form only; the question is then skipped).
    """
    cleaned: dict[str, Answer] = {}
    errors: dict[str, FieldError] = {}
    # The earlier answers still shown: what decides this page's questions and its constraints.
    earlier = prune_hidden(definition, answers_so_far)
    shown = shown_questions(definition, page_index, earlier)
    getlist = getattr(formdata, "getlist", None)
    for question in shown:
        # A question the roster answers (not shown) takes the roster's value, whatever is posted.
        # A werkzeug MultiDict answers .get() with its first value only; every value counts here.
        if question.fixed:
            given: str | Sequence[str] = question.default or ""
        else:
            given = getlist(question.key) if callable(getlist) else formdata.get(question.key, ())
        value, error = clean_answer(question, given)
        if error is not None:
            errors[question.key] = error
        elif value is not None:
            cleaned[question.key] = value
        elif require and is_required(question, answers_so_far):
            errors[question.key] = _message(MSG_REQUIRED, question.required_message)
    # Constraints read the whole page's answers (and earlier ones), so they come second.
    constrained = [q for q in shown if q.constraint and q.key in cleaned]
    if not constrained:
        return cleaned, errors
    page_keys = {question.key for question in page_at(definition, page_index).questions}
    context = {k: v for k, v in earlier.items() if k not in page_keys} | cleaned
    for question in constrained:
        if not evaluate(question.constraint or "", context, cleaned[question.key]):
            errors[question.key] = _message(MSG_CONSTRAINT, question.constraint_message)
            del cleaned[question.key]
    return cleaned, errors


def is_required(question: Question, answers: Mapping[str, Answer]) -> bool:
    """Whether the question needs an answer: always, or when its `required_if` holds."""
    if question.type == NOTE_TYPE:
        return False
    return question.required or (
        question.required_if is not None and evaluate(question.required_if, answers)
    )


def _message(default: str, texts: Mapping[str, str]) -> FieldError:
    """The survey's own message in every language it has (`texts`), else the portal's."""
    return default, ({"texts": dict(texts)} if texts else {})


def merge_page(
    definition: SurveyDefinition,
    page_index: int,
    answers_so_far: Mapping[str, Answer],
    cleaned: Mapping[str, Answer],
) -> dict[str, Answer]:
    """The answers once a page is saved: its old answers replaced, now-hidden ones dropped."""
    page_keys = {question.key for question in page_at(definition, page_index).questions}
    merged = {key: value for key, value in answers_so_far.items() if key not in page_keys}
    merged.update(cleaned)
    return prune_hidden(definition, merged)


def clean_complete(
    definition: SurveyDefinition,
    formdata: Mapping[str, str | Sequence[str]],
    *,
    require: bool = True,
) -> tuple[dict[str, Answer], dict[str, FieldError]]:
    """`validate_page` over every page in order, for a whole response given as strings at once."""
    answers: dict[str, Answer] = {}
    errors: dict[str, FieldError] = {}
    for page_index in range(len(definition.pages)):
        cleaned, page_errors = validate_page(
            definition, page_index, formdata, answers, require=require
        )
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
    definition: SurveyDefinition, answers: Mapping[str, object], *, require: bool = True
) -> dict[str, FieldError]:
    """Errors in a whole stored-form response (as `validate_page` returns), by question key.

    Same rules as the pages, plus: no unknown question keys and no answer to a question that the
    other answers hide. `require` as in `validate_page`.
    """
    return check_complete(definition, answers, require=require)[1]


def check_complete(
    definition: SurveyDefinition, answers: Mapping[str, object], *, require: bool = True
) -> tuple[dict[str, Answer], dict[str, FieldError]]:
    """`validate_complete`'s errors with the cleaned answers they were found in (one pass)."""
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
    cleaned, field_errors = clean_complete(definition, formdata, require=require)
    for key, error in field_errors.items():
        errors.setdefault(key, error)
    for key, strings in formdata.items():
        if key not in cleaned and key not in errors and any(s.strip() for s in strings):
            errors[key] = _hidden_error(definition.question(key), cleaned)
    return cleaned, errors


def _hidden_error(question: Question, cleaned: Mapping[str, Answer]) -> FieldError:
    """Why an answer to a hidden question is refused: a contrary or a missing earlier answer."""
    condition = question.show_if
    if condition is not None and condition.question not in cleaned:
        return MSG_CONDITION_MISSING, {"question": condition.question}
    return MSG_NOT_SHOWN, {}
