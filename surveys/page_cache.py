"""Answering pages' questions rendered once: cached per (definition hash, page, locale, question).

A question shown blank (no value, nothing ticked, no error) renders to the same HTML for every
respondent; it is rendered once per definition version, page, language and whether it is
required at that point, then reused. A question with a value or an error is rendered each time.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from markupsafe import Markup

from surveys.pages import PageView, QuestionView

# At most this many questions are kept (a few hundred questions x the languages in use); past it
# the cache starts again rather than grow.
LIMIT = 5000
_rendered: dict[tuple[str, int, str, str, bool], Markup] = {}


def _blank(question: QuestionView) -> bool:
    ticked = any(option.checked for option in question.options)
    return not question.value and not question.error and not ticked


def _macro() -> Any:
    module: Any = current_app.jinja_env.get_template("surveys/_questions.html").module
    return module.question


def questions_html(view: PageView, definition_hash: str, locale: str) -> list[Markup]:
    """The page's questions as HTML, the blank ones from the cache."""
    render = None
    shown = []
    for question in view.questions:
        key = (definition_hash, view.page_index, locale, question.key, question.required)
        html = _rendered.get(key) if _blank(question) else None
        if html is None:
            render = render or _macro()
            html = render(question)  # the macro's output: Markup, escaped by the template
            if _blank(question):
                if len(_rendered) >= LIMIT:
                    _rendered.clear()
                _rendered[key] = html
        shown.append(html)
    return shown
