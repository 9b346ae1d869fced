"""What the rest of the app asks of a question type, and the defaults on ``Question``
for a type that does not say: checks not supported, no judgements, no misconceptions
probed, no wrong answers. The shared modules that ask (discernment,
banklint's feedback rules) name no type."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from quiz.domain import discernment
from quiz.questions import TYPES
from quiz.questions.base import Question
from tests.questions.conftest import make_ctx

DOMAIN = Path(__file__).resolve().parents[2] / "quiz" / "domain"


@dataclass(frozen=True)
class Bare(Question):
    type = "bare"


def bare() -> Bare:
    return Bare(id="b1", skill="s", prompt="?", explanation="", points=1, shuffle=False)


def test_a_type_without_checks_reports_them_unsupported():
    ctx = make_ctx()
    form = bare().check_form(ctx.article, "yes", ctx, ("checks", 0, "answer"))
    assert form == {}
    assert [(p.path, p.message) for p in ctx.problems] == [
        (("checks", 0, "answer"), "checks are not supported for bare questions")
    ]


def test_a_type_without_judgements_or_misconceptions_has_none():
    q = bare()
    assert discernment.is_judgement(q) is False
    assert discernment.judgements(q, {"anything": "x"}) == []
    assert discernment.tagged_misconceptions(q) == set()
    assert list(q.wrong_answers()) == [] and q.wrong_answer_noun is None


def test_every_type_names_its_wrong_answers():
    """Each shipped type says which of its items are wrong answers, and what they are
    called (bank check's untagged warning)."""
    nouns = {cls.type: cls.wrong_answer_noun for cls in TYPES.values()}
    assert nouns == {
        "single": "wrong option",
        "multiple": "wrong option",
        "numeric": "anticipated wrong answer",
        "text": "anticipated wrong answer",
        "classify": "sentence",
        "highlight": "distractor",
    }
    for cls in TYPES.values():
        assert cls.wrong_answers is not Question.wrong_answers, cls.type


def test_the_shared_modules_name_no_type():
    for module in ("discernment.py", "bankcheck.py", "banklint/feedback.py"):
        tree = ast.parse((DOMAIN / module).read_text(encoding="utf-8"))
        named = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in TYPES
        }
        assert named == set(), module


def test_every_type_answers_a_check():
    """Each shipped type turns a check's answer into form fields (not the default)."""
    for cls in TYPES.values():
        assert cls.check_form is not Question.check_form, cls.type
