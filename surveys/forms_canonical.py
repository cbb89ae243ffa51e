"""The XLSForm spelling of what the definition model holds natively, written and recognised.

`show_if` becomes `relevant` (`selected(${q}, 'a') or ...`), number and date bounds a `constraint`
(`. >= 1 and . <= 9`), a text length `string-length(.) <= N`. Export writes exactly these forms and
import turns exactly these forms back, so a definition survives the round trip unchanged.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from surveys.expressions import ExpressionError, Node, parse
from surveys.questionnaire import TEXT_MAX_LENGTH, Condition, Question

_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def show_if_expression(condition: Condition) -> str:
    name = condition.question
    return " or ".join(f"selected(${{{name}}}, '{code}')" for code in condition.values)


def _literal(value: object) -> str:
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    if isinstance(value, float) and value.is_integer():
        return repr(value)  # "3.0": read back as a decimal bound, not a whole one
    return str(value)


def bounds_expression(question: Question) -> str | None:
    """The constraint standing for the question's native bounds, or None without any."""
    if question.type == "text":
        if question.max_length == TEXT_MAX_LENGTH:
            return None
        return f"string-length(.) <= {question.max_length}"
    low: object
    high: object
    if question.type == "number":
        low, high = question.minimum, question.maximum
    elif question.type == "date":
        low, high = question.earliest, question.latest
    else:
        return None
    parts = [f". >= {_literal(low)}" for _ in (1,) if low is not None]
    parts += [f". <= {_literal(high)}" for _ in (1,) if high is not None]
    return " and ".join(parts) or None


def _tree(source: str) -> Node | None:
    try:
        return parse(source).tree
    except ExpressionError:
        return None


def show_if_from(source: str) -> dict[str, Any] | None:
    """`{"question": q, "in": [codes]}` when `source` is the show_if spelling, else None."""
    tree = _tree(source)
    if tree is None:
        return None
    terms = list(tree.args) if tree.op == "or" else [tree]
    flat: list[Node] = []
    while terms:
        term = terms.pop(0)
        if term.op == "or":
            terms[:0] = list(term.args)
        else:
            flat.append(term)
    names, codes = set(), []
    for term in flat:
        if term.op != "selected" or term.args[0].op != "ref" or term.args[1].op != "literal":
            return None
        names.add(str(term.args[0].value))
        codes.append(term.args[1].value)
    if len(names) != 1 or not all(isinstance(code, str) for code in codes):
        return None
    return {"question": names.pop(), "in": codes}


def _comparisons(tree: Node) -> list[tuple[str, str | float | None]] | None:
    terms = list(tree.args) if tree.op == "and" else [tree]
    found = []
    for term in terms:
        if term.op not in (">=", "<=") or term.args[0].op != "self":
            return None
        if term.args[1].op != "literal":
            return None
        found.append((term.op, term.args[1].value))
    ops = [op for op, _ in found]
    if len(set(ops)) != len(ops) or (len(ops) == 2 and ops != [">=", "<="]):
        return None
    return found


def bounds_from(source: str, qtype: str, integer: bool) -> dict[str, Any] | None:
    """The YAML bound fields (`min`, `max`, `max_length`) when `source` is their spelling."""
    tree = _tree(source)
    if tree is None:
        return None
    if qtype == "text":
        if tree.op != "<=" or tree.args[0].op != "string-length":
            return None
        inner, limit = tree.args[0].args[0], tree.args[1]
        if inner.op != "self" or limit.op != "literal" or not isinstance(limit.value, int):
            return None
        return {"max_length": limit.value} if 1 <= limit.value <= TEXT_MAX_LENGTH else None
    found = _comparisons(tree) if qtype in ("number", "date") else None
    if not found:
        return None
    fields: dict[str, Any] = {}
    for op, value in found:
        name = "min" if op == ">=" else "max"
        if qtype == "date":
            if not isinstance(value, str) or not _ISO_DATE_RE.fullmatch(value):
                return None
            fields[name] = value
        elif isinstance(value, int) or (isinstance(value, float) and not integer):
            fields[name] = value
        else:
            return None
    return fields
