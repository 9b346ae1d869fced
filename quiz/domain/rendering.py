"""Markdown from banks, rendered and sanitised before it reaches a page, and the
question list's links; pure (what needs the Flask app to render a template lives in
``quiz.student.rendering``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

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
    return Markup(nh3.clean(_md.render(text or ""), tags=_TAGS))


@lru_cache(maxsize=4096)
def markdown_inline(text: str) -> Markup:
    """Inline Markdown only (emphasis, code, links): fits in a legend or a label."""
    html = _md.renderInline((text or "").replace("\n\n", "\n"))
    return Markup(nh3.clean(html, tags=_INLINE_TAGS))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 attempt``, ``2 attempts``, ``0 attempts``: a count with its noun agreeing
    (``plural_form`` for nouns that do not just take an "s")."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


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
    return Markup("\n".join(items))
