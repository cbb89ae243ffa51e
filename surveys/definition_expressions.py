"""Checking a definition's expressions: well formed, in the subset, reading reachable answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveys.expressions import ExpressionError, parse
from surveys.questionnaire import DefinitionError

# Which questions each expression may read: relevance and a conditional `required` are decided
# before the page is shown, so from earlier pages only; a constraint is checked once the page is
# posted, so it may also read the page's own answers and `.`, the answer it checks.
SAME_PAGE_ALLOWED = {"constraint": True, "relevant": False, "required_if": False}


@dataclass(frozen=True)
class Scope:
    """Question keys by place: on earlier pages, on the page being checked, anywhere."""

    earlier: frozenset[str]
    page: frozenset[str]
    everywhere: frozenset[str]


def checked_expression(
    fields: Mapping[str, Any], name: str, src: str, key: str | None, scope: Scope
) -> str | None:
    """The expression in `fields[name]`, checked; None when absent."""
    raw = fields.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise DefinitionError(src, f"{name} must be a non-empty expression", key, name)
    source = raw.strip()
    try:
        expression = parse(source)
    except ExpressionError as error:
        raise DefinitionError(src, f"{name} {source!r}: {error}", key, name) from None
    if expression.reads_self and name != "constraint":
        problem = f"{name} {source!r}: '.' (this question's answer) is allowed only in a constraint"
        raise DefinitionError(src, problem, key, name)
    for ref in sorted(expression.names):
        if (reach := _reach_problem(ref, name, key, scope)) is not None:
            raise DefinitionError(src, f"{name} {source!r}: {reach}", key, name)
    return source


def _reach_problem(ref: str, name: str, key: str | None, scope: Scope) -> str | None:
    if ref in scope.earlier:
        return None
    if ref not in scope.everywhere:
        return f"${{{ref}}} is not a question of this survey"
    if ref == key and name != "constraint":
        return f"${{{ref}}} is the question itself"
    if ref in scope.page:
        if SAME_PAGE_ALLOWED[name]:
            return None
        return (
            f"${{{ref}}} is on the same page; relevance is decided before a page is shown, "
            "so it may only read questions of earlier pages (groups)"
        )
    return f"${{{ref}}} is asked on a later page and has no answer yet"
