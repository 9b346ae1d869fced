"""Markdown from banks, rendered and sanitised before it reaches a page."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from quiz.domain.article import Article
from quiz.questions import Grade, Question

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

_TAGS = {
    "p",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "br",
    "sup",
    "sub",
}
_INLINE_TAGS = {"em", "strong", "code", "a", "br", "sup", "sub"}


@lru_cache(maxsize=4096)
def markdown(text: str) -> Markup:
    """Block Markdown (paragraphs, lists) as safe HTML."""
    return Markup(nh3.clean(_md.render(text or ""), tags=_TAGS))  # noqa: S704 - sanitised


@lru_cache(maxsize=4096)
def markdown_inline(text: str) -> Markup:
    """Inline Markdown only (emphasis, code, links): fits in a legend or a label."""
    html = _md.renderInline((text or "").replace("\n\n", "\n"))
    return Markup(nh3.clean(html, tags=_INLINE_TAGS))  # noqa: S704 - sanitised


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 attempt``, ``2 attempts``, ``0 attempts``: a count with its noun agreeing
    (``plural_form`` for nouns that do not just take an "s")."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


_article_html: dict[int, tuple[Article, Markup]] = {}


def article_html(article: Article) -> Markup:
    """The article as numbered paragraphs of addressable sentences (``_article.html``),
    rendered once per article object (articles are immutable and come from a cache):
    it is the same on every page and for every student."""
    entry = _article_html.get(id(article))
    if entry is None or entry[0] is not article:
        from flask import render_template

        html = Markup(render_template("_article.html", article=article))  # noqa: S704 - autoescaped
        if len(_article_html) >= 256:
            _article_html.clear()
        entry = _article_html[id(article)] = (article, html)
    return entry[1]


def question_links(
    positions: Iterable[tuple[int, bool] | tuple[int, bool, bool]],
    current: int,
    form: str | None = None,
) -> Markup:
    """The list items of a question page's navigation: one link per question,
    relative to the page (``/attempts/<id>/q/<n>``), marked answered or not (or
    answered incompletely: a third item, true). With
    ``form`` (the question form's id, while the attempt is open), each is a submit
    button of that form (``go=<n>``), so that leaving saves what is on the page.

    Built here rather than in the template because it runs on every question page,
    and Jinja spends about 20 microseconds per item on these few expressions
    (0.8 ms for 36 questions, measured), this loop under 0.02 ms. Only integers
    and fixed text go in, so there is nothing to escape."""
    items = []
    for position, answered, *more in positions:
        n = int(position)
        partial = answered and bool(more and more[0])
        css = ("partial" if partial else "done" if answered else "") + (
            " current" if n == current else ""
        )
        aria = ' aria-current="step"' if n == current else ""
        state = " (incomplete)" if partial else " (answered)" if answered else " (not answered)"
        if form is None:
            items.append(
                f'<li><a href="{n}" class="{css}"{aria}>{n}'
                f'<span class="visually-hidden">{state}</span></a></li>'
            )
        else:
            items.append(
                f'<li><button type="submit" form="{escape(form)}" name="go" value="{n}" '
                f'class="qlink {css}"{aria}>{n}<span class="visually-hidden">{state}</span>'
                "</button></li>"
            )
    return Markup("\n".join(items))  # noqa: S704 - integers and fixed text only


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
    from flask import current_app

    # Straight from Jinja: the inputs use nothing of the request (no context
    # processors, no signals), and a miss is the common case for shuffled options.
    template = current_app.jinja_env.get_template(question.template)
    html = Markup(  # noqa: S704 - an autoescaped template
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
