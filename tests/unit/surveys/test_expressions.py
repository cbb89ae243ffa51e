"""The XPath subset of XLSForm expressions: parsed by elementpath, evaluated without eval."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.expressions import ExpressionError, evaluate, parse


@pytest.mark.parametrize(
    ("source", "answers", "current", "expected"),
    [
        ("${a} = 'yes'", {"a": "yes"}, None, True),
        ("${a} = 'yes'", {}, None, False),
        ("${a} != 'yes'", {}, None, True),
        ("${n} > 6", {"n": 7}, None, True),
        ("${n} > 6", {"n": 6}, None, False),
        ("${n} > 6", {}, None, False),  # unanswered: NaN compares false
        ("${n} <= 6 or ${n} >= 10", {"n": 12}, None, True),
        (". >= 1 and . <= 60", {}, 60, True),
        (". >= 1 and . <= 60", {}, 61, False),
        (". >= -5", {}, -5, True),
        ("not(${a} = 'no')", {"a": "yes"}, None, True),
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, None, True),
        ("selected(${m}, 'c')", {"m": ["a", "b"]}, None, False),
        ("count-selected(${m}) = 2", {"m": ["a", "b"]}, None, True),
        ("string-length(.) <= 3", {}, "abcd", False),
        ("string-length(${t}) > 0", {"t": ""}, None, False),
        ("${d} > '2020-01-31'", {"d": "2020-02-01"}, None, True),
        ("${d} < '2020-01-31'", {"d": "2020-02-01"}, None, False),
        ("(${a} = 'x' or ${b} = 'y') and ${c} = 'z'", {"b": "y", "c": "z"}, None, True),
        ("${n} = 3", {"n": 3.0}, None, True),
    ],
)
def test_each_operation_of_the_subset(source, answers, current, expected) -> None:
    assert evaluate(source, answers, current) is expected


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("${a} + 1", "+ is not supported"),
        ("foo(1)", "unknown function 'foo'"),
        ("true()", "true() is not supported"),
        ("/data/a = 1", "/ is not supported"),
        ("${a} =", "not a valid expression"),
        ("${a b} = 1", "is not a question name"),
        ("$a = 1", "variables are written ${name}"),
        ("selected(${a})", "not a valid expression"),
        ("", "empty"),
    ],
)
def test_anything_outside_the_subset_is_refused_with_a_reason(source, problem) -> None:
    with pytest.raises(ExpressionError) as refused:
        parse(source)
    assert problem in str(refused.value)


def test_names_and_self_are_known_without_evaluating() -> None:
    expression = parse("selected(${skills}, 'x') and ${months} > . and '${not_a_ref}' = ''")
    assert expression.names == {"skills", "months"}
    assert expression.reads_self


def test_python_is_never_evaluated() -> None:
    with pytest.raises(ExpressionError):
        parse("__import__('os').system('true')")


_names = st.sampled_from(["a", "b", "c"])
_codes = st.sampled_from(["x", "y", "z"])


@given(name=_names, code=_codes, answers=st.dictionaries(_names, _codes))
def test_equality_and_its_negation_always_disagree(name, code, answers) -> None:
    equal = evaluate(f"${{{name}}} = '{code}'", answers)
    assert equal is (answers.get(name) == code)
    assert evaluate(f"${{{name}}} != '{code}'", answers) is not equal
    assert evaluate(f"not(${{{name}}} = '{code}')", answers) is not equal


@given(
    chosen=st.lists(_codes, unique=True),
    code=_codes,
)
def test_selected_and_count_selected_read_a_multiple_choice(chosen, code) -> None:
    answers = {"m": chosen}
    assert evaluate(f"selected(${{m}}, '{code}')", answers) is (code in chosen)
    assert evaluate(f"count-selected(${{m}}) = {len(chosen)}", answers)


@given(low=st.integers(-1000, 1000), high=st.integers(-1000, 1000), value=st.integers(-2000, 2000))
def test_number_bounds_hold_exactly_inside_them(low, high, value) -> None:
    inside = evaluate(f". >= {low} and . <= {high}", {}, value)
    assert inside is (low <= value <= high)
