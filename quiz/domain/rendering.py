"""Markdown from banks, rendered and sanitised before it reaches a page, and the
question list's links; pure (what needs the Flask app to render a template lives in
``quiz.student.rendering``)."""

from __future__ import annotations

import re
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


# Characters XML 1.0 cannot carry at all (C0 controls but tab and line breaks, and
# U+FFFE/U+FFFF): lxml and openpyxl refuse them, so every XML we write (QTI,
# .xlsx) leaves them out.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


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
    (0.8 ms for 36 questions, measured). Each item is one of a few strings per
    position (not answered, answered, incomplete; current or not), kept once made:
    36 items cost about 8 µs against 36 µs formatted afresh. Only integers and the
    escaped form id go in."""
    items = []
    for position, answered, *more in positions:
        n = int(position)
        state = (2 if more and more[0] else 1) if answered else 0
        items.append(_link_item(n, state, n == current, form))
    return Markup("\n".join(items))


_STATE_CSS = ("", "done", "partial")
_STATE_TEXT = (" (not answered)", " (answered)", " (incomplete)")


@lru_cache(maxsize=8192)
def _link_item(n: int, state: int, current: bool, form: str | None) -> str:
    """One item of ``question_links``: state 0 not answered, 1 answered, 2 incomplete."""
    css = _STATE_CSS[state] + (" current" if current else "")
    aria = ' aria-current="step"' if current else ""
    hidden = f'<span class="visually-hidden">{_STATE_TEXT[state]}</span>'
    if form is None:
        return f'<li><a href="{n}" class="{css}"{aria}>{n}{hidden}</a></li>'
    return (
        f'<li><button type="submit" form="{escape(form)}" name="go" value="{n}" '
        f'class="qlink {css}"{aria}>{n}{hidden}</button></li>'
    )
