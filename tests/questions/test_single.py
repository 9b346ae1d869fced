"""``single``: one option, its credit and its feedback."""

from __future__ import annotations

import random
from typing import Any

import pytest

from quiz.questions.base import Unreadable
from quiz.questions.single import Single


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "options": [
            {
                "text": "50",
                "feedback": "FB-A: that is 500% *of* 10.",
                "misconception": "OF_VS_INCREASE",
            },
            {"text": "60", "correct": True, "feedback": "FB-B: 10 plus 500% of 10."},
            {"text": "About 55", "credit": 0.5, "feedback": "FB-C: close, but work it out."},
            {"text": "510", "feedback": "FB-D: 500 added, not 500%."},
        ]
    }
    data.update(overrides)
    return data


def test_parses_options_with_default_ids(parse):
    q = parse(Single, spec())
    assert [o.id for o in q.options] == ["a", "b", "c", "d"]
    assert [o.credit for o in q.options] == [0.0, 1.0, 0.5, 0.0]
    assert q.options[0].misconception == "OF_VS_INCREASE"
    assert q.shuffle is True


@pytest.mark.parametrize(
    ("options", "path", "message"),
    [
        (None, ("options",), "is required"),
        ("nope", ("options",), "must be a list"),
        ([], ("options",), "must not be empty"),
        ([{"text": "x", "correct": True, "feedback": "f"}], ("options",), "at least two"),
        (
            [{"text": "x", "feedback": "f"}, {"text": "y", "feedback": "g"}],
            ("options",),
            "no option is correct",
        ),
        (
            [{"text": "x", "correct": True, "feedback": "f"}, "just text"],
            ("options", 1),
            "must be a mapping",
        ),
        (
            [{"text": "x", "correct": True, "feedback": "f"}, {"text": "y", "feedback": [1]}],
            ("options", 1, "feedback"),
            "must be text",
        ),
        (
            [{"correct": True, "feedback": "f"}, {"text": "y", "feedback": "g"}],
            ("options", 0, "text"),
            "is required",
        ),
        (
            [
                {"text": "x", "correct": True, "feedback": "f"},
                {"text": "y", "feedback": "g", "credit": 2},
            ],
            ("options", 1, "credit"),
            "between 0 and 1",
        ),
        (
            [
                {"text": "x", "correct": "yes", "feedback": "f"},
                {"text": "y", "correct": True, "feedback": "g"},
            ],
            ("options", 0, "correct"),
            "true or false",
        ),
        (
            [
                {"id": "a", "text": "x", "correct": True, "feedback": "f"},
                {"id": "a", "text": "y", "feedback": "g"},
            ],
            ("options", 1, "id"),
            "duplicate option id",
        ),
        (
            [
                {"id": "a b", "text": "x", "correct": True, "feedback": "f"},
                {"text": "y", "feedback": "g"},
            ],
            ("options", 0, "id"),
            "not a valid id",
        ),
        (
            [
                {"text": "x", "correct": True, "feedback": "f"},
                {"text": "y", "feedback": "g", "misconception": "NOT_IN_CATALOGUE"},
            ],
            ("options", 1, "misconception"),
            "unknown misconception",
        ),
        (
            [
                {"text": "x", "correct": True, "feedback": "f"},
                {"text": "y", "feedback": "g", "misconception": "lower-case"},
            ],
            ("options", 1, "misconception"),
            "is not a code",
        ),
    ],
)
def test_reports_each_problem_with_its_path(problems, options, path, message):
    found = problems(Single, {} if options is None else {"options": options})
    assert any(p == path and message in m for p, m in found), found


def test_read_response(parse):
    q = parse(Single, spec())
    assert q.read_response({}) is None
    assert q.read_response({"choice": [" "]}) is None
    assert q.read_response({"choice": ["c"]}) == {"choice": "c"}
    with pytest.raises(Unreadable):
        q.read_response({"choice": ["z"]})


def test_read_response_maps_the_attempts_token_to_the_option_id(parse):
    q = parse(Single, spec())
    state = q.new_state(random.Random(9))
    tokens = state["tokens"]
    assert sorted(tokens) == ["a", "b", "c", "d"] and len(set(tokens.values())) == 4
    assert all(len(t) == 10 and t not in "abcd" for t in tokens.values())
    assert q.read_response({"choice": [f" {tokens['c']} "]}, state) == {"choice": "c"}
    for stranger in ("a", "b", tokens["c"].upper(), "zz"):  # bank ids are not answers now
        with pytest.raises(Unreadable):
            q.read_response({"choice": [stranger]}, state)
    assert q.decode_form({"choice": [tokens["d"]]}, state) == {"choice": ["d"]}
    assert q.decode_form({"choice": ["d"]}, state) == {"choice": []}
    # An attempt started before tokens (none in its state) keeps the ids.
    assert q.read_response({"choice": ["c"]}, {"order": ["a", "b", "c", "d"]}) == {"choice": "c"}


@pytest.mark.parametrize(
    ("choice", "fraction", "verdict", "misconceptions"),
    [("b", 1.0, "right", ()), ("c", 0.5, "partial", ()), ("a", 0.0, "wrong", ("OF_VS_INCREASE",))],
)
def test_grade(parse, article, choice, fraction, verdict, misconceptions):
    q = parse(Single, spec())
    g = q.grade({"choice": choice}, article)
    assert g.fraction == fraction
    assert g.verdict == verdict
    assert g.misconceptions == misconceptions
    assert g.classification == choice
    assert g.feedback[0].verdict == verdict
    assert g.summary == q.summarise({"choice": choice}, article)
    assert q.right_answer(article) == "60"
    assert q.random_guess_score() == pytest.approx(1.5 / 4)


def test_student_view_hides_the_key(parse, article, assert_hidden):
    q = parse(Single, spec())
    view = q.student_view(q.new_state(random.Random(3)), article)
    assert sorted(o["text"] for o in view["options"]) == ["50", "510", "60", "About 55"]
    assert_hidden(view, "FB-A", "FB-B", "FB-C", "FB-D", "OF_VS_INCREASE")


def test_shuffle_is_deterministic_per_seed(parse):
    q = parse(Single, spec())
    orders = {tuple(q.new_state(random.Random(seed))["order"]) for seed in range(20)}
    assert len(orders) > 1
    assert q.new_state(random.Random(7)) == q.new_state(random.Random(7))
    fixed = parse(Single, spec(shuffle=False))
    assert fixed.new_state(random.Random(7))["order"] == ["a", "b", "c", "d"]
    tokens = {tuple(q.new_state(random.Random(seed))["tokens"].values()) for seed in range(20)}
    assert len(tokens) == 20  # every attempt its own values


def test_to_spec_round_trips(parse, roundtrip):
    q = parse(Single, spec(points=2, shuffle=False))
    assert roundtrip(q) == q


def test_template_marks_only_after_grading(parse, article, render):
    q = parse(Single, spec())
    html = render(q)
    assert "FB-B" not in html and "right" not in html
    assert 'value="b"' not in html and 'choice-b"' not in html  # tokens, not bank ids
    g = q.grade({"choice": "b"}, article)
    html = render(q, {"choice": "b"}, g, locked=True)
    assert "chosen right" in html and "checked" in html


def test_key_and_misconception_forms(parse, article):
    q = parse(Single, spec())
    state = q.new_state(random.Random(1))
    tokens = state["tokens"]
    assert q.key_form(state) == {"choice": [tokens["b"]]}
    assert q.grade(q.read_response(q.key_form(state), state), article).fraction == 1.0
    form, code = q.misconception_form(state)
    assert (form, code) == ({"choice": [tokens["a"]]}, "OF_VS_INCREASE")
    assert q.grade(q.read_response(form, state), article).misconception == code
    plain = parse(Single, spec(options=spec()["options"][1:]))
    assert plain.misconception_form({}) is None


def test_refers_to_the_sentences_the_prompt_quotes(parse, article):
    """A prompt quoting the article (three words or more, curly or straight quotes,
    one sentence) names those sentences, to show with the question on a phone
    (issue #17, item 3); short quotes and quotes not in the article name none."""
    from dataclasses import replace

    q = replace(
        parse(Single, spec()),
        prompt='The writer says “Stakeholders must act now.” and "a balanced approach"; '
        "“500% increase” is short, “not in the article at all” is not there.",
    )
    assert [s.id for s in q.refers_to(article)] == ["p2-s2", "p3-s3"]
    assert replace(q, prompt="No quotes here.").refers_to(article) == ()
