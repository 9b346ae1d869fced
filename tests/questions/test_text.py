"""``text``: a word or phrase, with case, spacing, typography and end punctuation forgiven."""

from __future__ import annotations

import random
from typing import Any

import pytest

from quiz.questions.base import Unreadable
from quiz.questions.text import MAX_LENGTH, Text, match_key


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "skill": "baseline",
        "answers": [
            {"text": "the starting number", "feedback": "FB-START: the count before the rise."},
            {"text": "baseline", "feedback": "FB-BASE: yes, the baseline."},
            {"text": "a number", "credit": 0.5, "feedback": "FB-NUM: which number?"},
        ],
        "wrong": [
            {
                "text": "the percentage",
                "feedback": "FB-PCT: the article gives that already.",
                "misconception": "OF_VS_INCREASE",
            }
        ],
        "otherwise": "FB-OTHER: what would you compare the rise with?",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "typed",
    [
        "the starting number",
        "The Starting Number",
        "  the   starting\tnumber ",
        "“the starting number.”",
        '"The starting number"!',
        "(the starting number)",
        "ＴＨＥ starting number",
    ],
)
def test_forgives_case_spacing_typography_and_end_punctuation(typed):
    assert match_key(typed) == "the starting number"


def test_keeps_inner_punctuation_and_words():
    assert match_key("percentage-points") != match_key("percentage points")
    assert match_key("the baseline's size") == "the baseline's size"
    assert match_key("the agency\u2019s figures") == "the agency's figures"


def test_parses(parse):
    q = parse(Text, spec(skill="percent"))
    assert [a.credit for a in q.answers] == [1.0, 1.0, 0.5]
    assert q.wrong[0].misconception == "OF_VS_INCREASE"


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"answers": None}, ("answers",), "is required"),
        (
            {"answers": [{"text": "x", "credit": 0.5, "feedback": "f"}]},
            ("answers",),
            "no accepted answer",
        ),
        ({"answers": [{"feedback": "f"}]}, ("answers", 0, "text"), "is required"),
        ({"answers": [{"text": "x", "feedback": [2]}]}, ("answers", 0, "feedback"), "must be text"),
        ({"answers": [{"text": "...", "feedback": "f"}]}, ("answers", 0, "text"), "nothing left"),
        (
            {"answers": [{"text": "x", "credit": -1, "feedback": "f"}]},
            ("answers", 0, "credit"),
            "between 0 and 1",
        ),
        (
            {
                "answers": [
                    {"text": "Baseline", "feedback": "f"},
                    {"text": "baseline.", "feedback": "g"},
                ]
            },
            ("answers", 1, "text"),
            "same answers as answers[0]",
        ),
        (
            {"wrong": [{"text": "Baseline!", "feedback": "f"}]},
            ("wrong", 0, "text"),
            "also an accepted answer",
        ),
        (
            {"wrong": [{"text": "x", "feedback": "f", "misconception": "NOPE"}]},
            ("wrong", 0, "misconception"),
            "unknown",
        ),
        ({"wrong": "x"}, ("wrong",), "must be a list"),
    ],
)
def test_reports_each_problem_with_its_path(problems, overrides, path, message):
    found = problems(Text, spec(skill="percent", **overrides))
    assert any(p == path and message in m for p, m in found), found


def test_read_response(parse):
    q = parse(Text, spec(skill="percent"))
    assert q.read_response({}) is None
    assert q.read_response({"text": ["  "]}) is None
    assert q.read_response({"text": ["  Baseline. "]}) == {"text": "Baseline."}
    with pytest.raises(Unreadable, match="characters"):
        q.read_response({"text": ["x" * (MAX_LENGTH + 1)]})


def test_grade(parse, article):
    q = parse(Text, spec(skill="percent"))
    right = q.grade({"text": "“BaseLine.”"}, article)
    assert (right.fraction, right.verdict) == (1.0, "right")
    assert right.feedback[0].text == "FB-BASE: yes, the baseline."
    assert right.classification == "answer:baseline"
    assert right.summary == "“BaseLine.”"

    partial = q.grade({"text": "A number"}, article)
    assert (partial.fraction, partial.verdict, partial.classification) == (
        0.5,
        "partial",
        "answer:a number",
    )

    wrong = q.grade({"text": "the  PERCENTAGE"}, article)
    assert (wrong.fraction, wrong.classification) == (0.0, "wrong:the percentage")
    assert wrong.misconceptions == ("OF_VS_INCREASE",)
    assert wrong.feedback[0].text.startswith("FB-PCT")

    other = q.grade({"text": "Who Said It?"}, article)
    assert (other.fraction, other.classification) == (0.0, "other:who said it")
    assert other.feedback[0].text.startswith("FB-OTHER") and other.feedback[0].verdict == "wrong"

    long = q.grade({"text": "word " * 100}, article)
    assert long.classification == "other:" + ("word " * 100).strip()[:100]

    assert q.right_answer(article) == "the starting number"
    assert q.random_guess_score() == 0.0


def test_default_otherwise(parse, article):
    q = parse(Text, {"answers": [{"text": "baseline", "feedback": "f"}]})
    g = q.grade({"text": "denominator"}, article)
    assert g.feedback[0].text == "Not the answer we were looking for."


def test_student_view_hides_the_key(parse, article, assert_hidden):
    q = parse(Text, spec(skill="percent"))
    view = q.student_view(q.new_state(random.Random(1)), article)
    assert_hidden(view, "baseline", "starting number", "FB-", "OF_VS_INCREASE")


def test_to_spec_round_trips(parse, roundtrip):
    q = parse(Text, spec(skill="percent", points=0.5))
    assert roundtrip(q) == q
    bare = parse(Text, {"answers": [{"text": "baseline", "feedback": "f"}]})
    assert roundtrip(bare) == bare
    assert set(bare.to_spec()) == {"id", "type", "skill", "prompt", "answers", "explanation"}


def test_template(parse, article, render):
    q = parse(Text, spec(skill="percent"))
    html = render(q)
    assert 'name="text"' in html and "baseline" not in html.lower()
    response = {"text": '"><script>'}
    html = render(q, response, q.grade(response, article), locked=True)
    assert "<script>" not in html and "&#34;&gt;&lt;script&gt;" in html
    assert "wrong" in html


def test_key_and_misconception_forms(parse, article):
    q = parse(Text, spec(skill="percent"))
    assert q.key_form({}) == {"text": ["the starting number"]}
    assert q.grade(q.read_response(q.key_form({})), article).fraction == 1.0
    form, code = q.misconception_form({})
    assert (form, code) == ({"text": ["the percentage"]}, "OF_VS_INCREASE")
    assert q.grade(q.read_response(form), article).misconception == code
    assert parse(Text, spec(skill="percent", wrong=None)).misconception_form({}) is None
