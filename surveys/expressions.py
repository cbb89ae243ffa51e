"""XLSForm expressions (relevant, constraint, required): parsed by elementpath, evaluated here.

The contract's subset of XPath 1.0: `${name}`, `.`, string and number literals, `=`, `!=`, `<`,
`<=`, `>`, `>=`, `and`, `or`, `not()`, `selected()`, `count-selected()`, `string-length()` and
parentheses. elementpath's XPath 1.0 parser (taught the two ODK functions) builds the tree; the tree
is turned into plain nodes, anything outside the subset refused, and evaluated by `evaluate` below
over a respondent's answers: no Python `eval`, no XPath engine running over documents.

Values follow XPath 1.0 and ODK: an unanswered question is the empty string, a multiple choice the
codes separated by spaces; `=`/`!=` compare as numbers when one side is a number, else as strings;
`<`, `<=`, `>`, `>=` compare as numbers, except two ISO dates (YYYY-MM-DD), which compare as dates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from elementpath import XPath1Parser
from elementpath.exceptions import ElementPathError

_REF_RE = re.compile(r"\$\{([^}]*)\}")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
FUNCTIONS = {"not": 1, "selected": 2, "count-selected": 1, "string-length": 1}
MAX_LENGTH = 2000

Value = str | float | bool


class ExpressionError(ValueError):
    """An expression outside the subset, or not well formed; the message says what is wrong."""


class _FormParser(XPath1Parser):
    """XPath 1.0 as elementpath parses it, plus ODK's `selected` and `count-selected`."""

    symbol_table = dict(XPath1Parser.symbol_table)
    tokenizer = None


def _register(name: str, nargs: int) -> None:
    def evaluate(self: Any, context: Any = None) -> Any:
        raise self.missing_context()  # evaluated by this module's `evaluate`, not by elementpath

    _FormParser.method(_FormParser.function(name, nargs=nargs))(evaluate)


_register("selected", 2)
_register("count-selected", 1)
_FormParser.build()


@dataclass(frozen=True)
class Node:
    """A node of a parsed expression: `op` a symbol of the subset, `value` a literal or a name."""

    op: str
    args: tuple[Node, ...] = ()
    value: str | int | float | None = None  # int for a literal written without a decimal point


@dataclass(frozen=True)
class Expression:
    source: str
    tree: Node

    @property
    def names(self) -> frozenset[str]:
        """The question names the expression reads (`${name}`), without `.`."""
        return frozenset(_names(self.tree))

    @property
    def reads_self(self) -> bool:
        return _reads_self(self.tree)


def _names(node: Node) -> set[str]:
    found = {str(node.value)} if node.op == "ref" else set()
    for arg in node.args:
        found |= _names(arg)
    return found


def _reads_self(node: Node) -> bool:
    return node.op == "self" or any(_reads_self(arg) for arg in node.args)


def _substitute(source: str) -> str:
    """`${name}` becomes the XPath variable `$name` (outside string literals only)."""
    parts = re.split(r"('[^']*'|\"[^\"]*\")", source)
    for index in range(0, len(parts), 2):

        def variable(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if not _NAME_RE.fullmatch(name):
                raise ExpressionError(f"${{{name}}} is not a question name")
            return f"$q__{name.replace('-', '__h').replace('.', '__d')}"

        parts[index] = _REF_RE.sub(variable, parts[index])
    return "".join(parts)


def _unmangle(name: str) -> str:
    return name.removeprefix("q__").replace("__d", ".").replace("__h", "-")


def _number_literal(token: Any) -> int | float:
    if token.symbol == "(integer)":
        return int(token.value)
    return float(Decimal(str(token.value)))


def _convert(token: Any) -> Node:
    symbol = token.symbol
    children = list(token)
    if symbol == "(":
        return _convert(children[0])
    if symbol in ("and", "or", *COMPARISONS):
        return Node(symbol, tuple(_convert(child) for child in children))
    if symbol == "$":
        name = _unmangle(str(children[0].value))
        if not token.value or not str(children[0].value).startswith("q__"):
            raise ExpressionError("variables are written ${name}")
        return Node("ref", value=name)
    if symbol == ".":
        return Node("self")
    if symbol == "(string)":
        return Node("literal", value=str(token.value))
    if symbol in ("(integer)", "(decimal)", "(float)"):
        return Node("literal", value=_number_literal(token))
    if symbol == "-" and len(children) == 1 and children[0].symbol in ("(integer)", "(decimal)"):
        return Node("literal", value=-_number_literal(children[0]))
    if symbol in FUNCTIONS:
        if len(children) != FUNCTIONS[symbol]:
            raise ExpressionError(f"{symbol}() takes {FUNCTIONS[symbol]} argument(s)")
        return Node(symbol, tuple(_convert(child) for child in children))
    shown = "()" if token.label == "function" else ""
    raise ExpressionError(f"{symbol}{shown} is not supported in this portal's forms")


@lru_cache(maxsize=1024)
def parse(source: str) -> Expression:
    """The expression's tree; ExpressionError if it is malformed or outside the subset."""
    if not source.strip():
        raise ExpressionError("the expression is empty")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        token = _FormParser().parse(_substitute(source))
    except ElementPathError as error:
        message = str(error).split("] ", 1)[-1]
        raise ExpressionError(f"not a valid expression: {message}") from None
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    return Expression(source, _convert(token))


# Evaluation ------------------------------------------------------------------------------------


def as_value(answer: object) -> Value:
    """A stored answer as an XPath value: "" when unanswered, codes joined by spaces."""
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, int | float):
        return float(answer)
    if isinstance(answer, list | tuple):
        return " ".join(str(item) for item in answer)
    return str(answer)


def _number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    try:
        return float(value.strip()) if value.strip() else math.nan
    except ValueError:
        return math.nan


def _string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def truth(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return truth(left) == truth(right)
    if isinstance(left, float) or isinstance(right, float):
        return _number(left) == _number(right)
    return left == right


def _order(left: Value, right: Value) -> tuple[float, float]:
    if isinstance(left, str) and isinstance(right, str):
        if _ISO_DATE_RE.fullmatch(left) and _ISO_DATE_RE.fullmatch(right):
            try:
                return float(date.fromisoformat(left).toordinal()), float(
                    date.fromisoformat(right).toordinal()
                )
            except ValueError:
                pass
    return _number(left), _number(right)


_RELATIONS: Mapping[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _value(node: Node, answers: Mapping[str, object], current: object) -> Value:
    op, args = node.op, node.args
    if op == "literal":
        value = node.value
        return float(value) if isinstance(value, int) else (value if value is not None else "")
    if op == "ref":
        return as_value(answers.get(str(node.value)))
    if op == "self":
        return as_value(current)
    if op == "and":
        return all(truth(_value(arg, answers, current)) for arg in args)
    if op == "or":
        return any(truth(_value(arg, answers, current)) for arg in args)
    values = [_value(arg, answers, current) for arg in args]
    if op == "=":
        return _equal(*values)
    if op == "!=":
        return not _equal(*values)
    if op in _RELATIONS:
        return _RELATIONS[op](*_order(*values))
    if op == "not":
        return not truth(values[0])
    if op == "selected":
        return _string(values[1]).strip() in _string(values[0]).split()
    if op == "count-selected":
        return float(len(_string(values[0]).split()))
    if op == "string-length":
        return float(len(_string(values[0])))
    raise ExpressionError(f"{op} is not supported")  # pragma: no cover - refused when parsed


def evaluate(source: str, answers: Mapping[str, object], current: object = None) -> bool:
    """Whether the expression holds for these answers (`current`: the value of `.`)."""
    return truth(_value(parse(source).tree, answers, current))
