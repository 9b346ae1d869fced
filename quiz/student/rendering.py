"""What a question page renders once and keeps per process: the article's HTML, a
question's inputs, the sentences a question quotes. Questions and articles are
immutable objects from the content caches, so each cache is keyed by their ids and
a hit checks it still holds the same objects. (Moved here from ``quiz.domain``:
rendering a template needs the Flask app.)"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup

from quiz.domain.article import Article
from quiz.questions import Grade, Question

_article_html: dict[int, tuple[Article, Markup]] = {}


def article_html(article: Article) -> Markup:
    """The article as numbered paragraphs of addressable sentences (``_article.html``),
    rendered once per article object (articles are immutable and come from a cache):
    it is the same on every page and for every student."""
    entry = _article_html.get(id(article))
    if entry is None or entry[0] is not article:
        html = Markup(render_template("_article.html", article=article))
        if len(_article_html) >= 256:
            _article_html.clear()
        entry = _article_html[id(article)] = (article, html)
    return entry[1]


_INPUTS_BUDGET = 4_000_000  # characters of rendered inputs kept per process
_inputs: dict[tuple[Any, ...], tuple[Question, Article, Markup]] = {}
_inputs_size = 0


def question_inputs(
    question: Question,
    state: Mapping[str, Any],
    article: Article,
    *,
    response: Mapping[str, Any] | None,
    locked: bool,
    grade: Mapping[str, Any] | None,
) -> Markup:
    """The inputs of one question on a student's page (its type's template), rendered
    once per distinct (question, state, response, locked, grade) and kept while
    they fit in ``_INPUTS_BUDGET``.

    A whole class opens the same question with the same state (or one of a few
    shuffled orders) and nothing yet answered, so most pages reuse the same inputs;
    a ``highlight`` or ``classify`` question has a control per sentence, and Jinja
    took about 1 ms to render them. Questions and articles are immutable objects
    from the content caches; the key holds their ids and a hit checks it is still
    the same objects."""
    global _inputs_size
    key = (
        id(question),
        id(article),
        json.dumps([state, response, grade], sort_keys=True, default=str),
        locked,
    )
    entry = _inputs.get(key)
    if entry is not None and entry[0] is question and entry[1] is article:
        return entry[2]
    # Straight from Jinja: the inputs use nothing of the request (no context
    # processors, no signals), and a miss is the common case for shuffled options.
    template = current_app.jinja_env.get_template(question.template)
    html = Markup(
        template.render(
            view=question.student_view(state, article),
            response=response,
            locked=locked,
            grade=Grade.from_dict(grade) if grade is not None else None,
        )
    )
    if _inputs_size + len(html) > _INPUTS_BUDGET:
        _inputs.clear()
        _inputs_size = 0
    _inputs[key] = (question, article, html)
    _inputs_size += len(html)
    return html


_quoted: dict[tuple[int, int], tuple[Any, Any, tuple[Any, ...]]] = {}


def quoted_sentences(question: Any, article: Any) -> tuple[Any, ...]:
    """``Question.refers_to``, kept per (question, article) object: both are immutable
    and come from the content caches, and every student opens the same questions."""
    key = (id(question), id(article))
    entry = _quoted.get(key)
    if entry is None or entry[0] is not question or entry[1] is not article:
        if len(_quoted) >= 4096:
            _quoted.clear()
        entry = _quoted[key] = (question, article, question.refers_to(article))
    return entry[2]
