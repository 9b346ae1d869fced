"""Factories for the question-type unit tests: no Flask app, no database.

``make_ctx()`` builds a ``BankContext`` over a short article (with an
abbreviation, "U.S.", that must not split a sentence, and a curly apostrophe);
``parse(cls, spec)`` fills the common fields and returns the question, failing
on any problem; ``problems(cls, spec)`` returns the problems as (path, message);
``roundtrip(q)`` parses ``q.to_spec()`` again; ``render(q, ...)`` renders the
type's inputs template with plain Jinja2 and checks that every input is labelled.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest

from quiz.domain.article import Article
from quiz.questions.base import BankContext, Grade, Question

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

ARTICLE_TEXT = """\
DHS recently disclosed a 500% increase in assaults on officers. \
Officials in the U.S. capital called the trend alarming.

The rise results from a confluence of factors. Stakeholders must act now.

Advocates argue that more data is needed. The agency\u2019s figures were not published. \
A balanced approach is vital.
"""
CATEGORIES = {
    "attributed": "Attributed reporting",
    "analysis": "Unattributed analysis",
    "advocacy": "Advocacy",
}
MISCONCEPTIONS = {
    "MULT_OFFBYONE": "An X% increase read as X/100 times",
    "OF_VS_INCREASE": "X% of confused with X% increase",
    "REPORT_AS_VOICE": "Attributed reporting taken for the writer's own voice",
}
EXPLANATION = "EXPLANATION-SECRET: worked answer."


def make_article() -> Article:
    return Article.from_text("Stunning 500% Rise", "Example News", ARTICLE_TEXT)


def make_ctx(**overrides: Any) -> BankContext:
    fields: dict[str, Any] = {
        "article": make_article(),
        "skills": {"percent": "Percentages", "reporting": "Reporting"},
        "categories": CATEGORIES,
        "misconceptions": MISCONCEPTIONS,
    }
    fields.update(overrides)
    return BankContext(**fields)


def common_fields(cls: type[Question], spec: Mapping[str, Any]) -> dict[str, Any]:
    """The common fields as the loader parses them."""
    return {
        "id": spec.get("id", "q1"),
        "skill": spec.get("skill", "percent"),
        "prompt": spec.get("prompt", "What does the article say?"),
        "explanation": spec.get("explanation", EXPLANATION),
        "points": float(spec.get("points", 1.0)),
        "shuffle": bool(spec.get("shuffle", True)) and cls.shuffles,
    }


def _parse(
    cls: type[Question], spec: Mapping[str, Any], ctx: BankContext | None = None
) -> tuple[Any, list[tuple[tuple[str | int, ...], str]]]:
    ctx = ctx or make_ctx()
    data = {"type": cls.type, **spec}
    question = cls.from_spec(data, common_fields(cls, data), ctx)
    return question, [(p.path, p.message) for p in ctx.problems]


@pytest.fixture
def article() -> Article:
    return make_article()


@pytest.fixture(name="make_ctx")
def make_ctx_fixture() -> Callable[..., BankContext]:
    return make_ctx


@pytest.fixture
def parse() -> Callable[..., Any]:
    def parse(cls: type[Question], spec: Mapping[str, Any], ctx: BankContext | None = None) -> Any:
        question, found = _parse(cls, spec, ctx)
        assert found == [], found
        return question

    return parse


@pytest.fixture
def problems() -> Callable[..., list[tuple[tuple[str | int, ...], str]]]:
    def problems(
        cls: type[Question], spec: Mapping[str, Any], ctx: BankContext | None = None
    ) -> list[tuple[tuple[str | int, ...], str]]:
        return _parse(cls, spec, ctx)[1]

    return problems


@pytest.fixture
def roundtrip() -> Callable[[Question], Any]:
    def roundtrip(question: Question) -> Any:
        spec = question.to_spec()
        assert spec["type"] == question.type
        again, found = _parse(type(question), spec)
        assert found == [], found
        return again

    return roundtrip


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.stack: list[str] = []
        self.legends_in_fieldsets = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input":
            self.inputs.append(a)
        elif tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        elif tag == "legend" and "fieldset" in self.stack:
            self.legends_in_fieldsets += 1
        if tag not in ("input", "br", "img", "meta"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def parse_html(html: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def render(article: Article) -> Callable[..., str]:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )

    def render(
        question: Question,
        response: Mapping[str, Any] | None = None,
        grade: Grade | None = None,
        locked: bool = False,
    ) -> str:
        view = question.student_view(question.new_state(random.Random(1)), article)
        html = env.get_template(question.template).render(
            view=view, response=response, locked=locked, grade=grade
        )
        found = parse_html(html)
        assert found.inputs, "no inputs rendered"
        for attrs in found.inputs:
            assert attrs.get("id") in found.labels, f"input without a label: {attrs}"
            assert ("disabled" in attrs) == locked
        return html

    return render


FORBIDDEN_KEYS = {
    "credit",
    "correct",
    "feedback",
    "category",
    "misconception",
    "explanation",
    "answers",
    "wrong",
    "otherwise",
}


def _keys(value: Any) -> set[str]:
    if isinstance(value, Mapping):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list | tuple):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.fixture
def assert_hidden() -> Callable[..., None]:
    """Assert a student view holds no key-like field and none of the given secrets."""

    def assert_hidden(view: Mapping[str, Any], *secrets: str) -> None:
        assert not _keys(view) & FORBIDDEN_KEYS, _keys(view) & FORBIDDEN_KEYS
        blob = json.dumps(view, ensure_ascii=False)
        for secret in (*secrets, EXPLANATION):
            assert secret not in blob

    return assert_hidden
