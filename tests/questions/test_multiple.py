"""``multiple``: pick all that apply; right minus wrong over the number right, never below 0."""

from __future__ import annotations

import random
from typing import Any

import pytest

from quiz.questions.base import Unreadable
from quiz.questions.multiple import Multiple


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "options": [
            {"id": "a", "text": "up by 50 assaults", "correct": True, "feedback": "FB-A: 60 - 10."},
            {"id": "b", "text": "six times as many", "correct": True, "feedback": "FB-B: 60 / 10."},
            {"id": "c", "text": "up 500%", "correct": True, "feedback": "FB-C: 50 / 10."},
            {
                "id": "d",
                "text": "five times as many",
                "correct": False,
                "feedback": "FB-D: 50 is five times 10, not 60.",
                "misconception": "MULT_OFFBYONE",
            },
            {"id": "e", "text": "up 50 percentage points", "feedback": "FB-E: counts, not rates."},
        ]
    }
    data.update(overrides)
    return data


def test_parses_right_and_wrong_options(parse):
    q = parse(Multiple, spec())
    assert q.correct_ids == {"a", "b", "c"}
    assert [o.credit for o in q.options] == [1.0, 1.0, 1.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("options", "path", "message"),
    [
        (None, ("options",), "is required"),
        ([{"text": "x", "correct": True, "feedback": "f"}], ("options",), "at least two"),
        (
            [{"text": "x", "feedback": "f"}, {"text": "y", "correct": False, "feedback": "g"}],
            ("options",),
            "no option is correct",
        ),
        (
            [
                {"text": "x", "correct": True, "feedback": "f"},
                {"text": "y", "credit": 0.5, "feedback": "g"},
            ],
            ("options", 1, "credit"),
            "not credit",
        ),
        (
            [
                {"text": "x", "correct": True, "feedback": "f"},
                {"text": "y", "correct": True, "feedback": 2j},
            ],
            ("options", 1, "feedback"),
            "must be text",
        ),
        (
            [
                {"text": "x", "correct": True, "feedback": "f"},
                {"text": "y", "feedback": "g", "misconception": "NOPE"},
            ],
            ("options", 1, "misconception"),
            "unknown misconception",
        ),
    ],
)
def test_reports_each_problem_with_its_path(problems, options, path, message):
    found = problems(Multiple, {} if options is None else {"options": options})
    assert any(p == path and message in m for p, m in found), found


def test_read_response(parse):
    q = parse(Multiple, spec())
    assert q.read_response({}) is None
    assert q.read_response({"choices": []}) is None
    assert q.read_response({"choices": ["", " "]}) is None
    # stored in option order, without repeats
    assert q.read_response({"choices": ["d", "a", "a"]}) == {"choices": ["a", "d"]}
    with pytest.raises(Unreadable):
        q.read_response({"choices": ["a", "zz"]})


def test_read_response_maps_the_attempts_tokens_to_option_ids(parse):
    q = parse(Multiple, spec())
    state = q.new_state(random.Random(5))
    tokens = state["tokens"]
    assert sorted(tokens) == list("abcde") and len(set(tokens.values())) == 5
    sent = {"choices": [tokens["d"], tokens["a"], tokens["a"]]}
    assert q.read_response(sent, state) == {"choices": ["a", "d"]}
    # A bank id, or a token of another attempt, is not an answer here.
    for stranger in (["a"], [tokens["a"], "zz"], [tokens["a"] + "0"]):
        with pytest.raises(Unreadable):
            q.read_response({"choices": stranger}, state)
    # Shown again after an error in the bank's terms, the unknown value left out.
    decoded = q.decode_form({"choices": [tokens["b"], "zz"], "csrf_token": ["t"]}, state)
    assert decoded == {"choices": ["b"], "csrf_token": ["t"]}
    # An attempt started before tokens (none in its state) keeps the ids.
    assert q.read_response({"choices": ["b"]}, {"order": list("abcde")}) == {"choices": ["b"]}


@pytest.mark.parametrize(
    ("choices", "fraction"),
    [
        (["a", "b", "c"], 1.0),
        (["a", "b"], 2 / 3),
        (["a"], 1 / 3),
        (["a", "b", "d"], 1 / 3),
        (["a", "d"], 0.0),
        (["a", "d", "e"], 0.0),  # would be -1/3: never below zero
        (["d", "e"], 0.0),
        (["a", "b", "c", "d", "e"], 1 / 3),  # choosing everything is not a strategy
    ],
)
def test_fraction_is_right_minus_wrong_over_number_right(parse, article, choices, fraction):
    q = parse(Multiple, spec())
    assert q.grade({"choices": choices}, article).fraction == pytest.approx(fraction)


def test_feedback_misconceptions_classification_summary(parse, article):
    q = parse(Multiple, spec())
    g = q.grade({"choices": ["d", "b"]}, article)
    lines = {f.about: (f.verdict, f.text) for f in g.feedback}
    assert lines["six times as many"] == ("right", "FB-B: 60 / 10.")
    assert lines["five times as many"] == ("wrong", "FB-D: 50 is five times 10, not 60.")
    verdict, text = lines["up by 50 assaults"]  # a correct option left out
    assert verdict == "wrong" and "missed" in text and text.endswith("FB-A: 60 - 10.")
    assert "up 50 percentage points" not in lines  # a wrong option rightly left out
    assert g.misconceptions == ("MULT_OFFBYONE",)
    assert g.classification == "b,d"
    assert g.summary == "six times as many; five times as many"
    assert g.verdict == "wrong"
    assert q.right_answer(article) == "up by 50 assaults; six times as many; up 500%"
    assert q.random_guess_score() is None


def test_student_view_hides_the_key(parse, article, assert_hidden):
    q = parse(Multiple, spec())
    state = q.new_state(random.Random(1))
    view = q.student_view(state, article)
    assert {o["id"] for o in view["options"]} == {"a", "b", "c", "d", "e"}
    assert {o["value"] for o in view["options"]} == set(state["tokens"].values())
    assert_hidden(view, "FB-A", "FB-B", "FB-D", "MULT_OFFBYONE")


def test_shuffle_is_deterministic_per_seed(parse, article):
    q = parse(Multiple, spec())
    state = q.new_state(random.Random(42))
    assert state == q.new_state(random.Random(42))
    assert len({tuple(q.new_state(random.Random(s))["order"]) for s in range(20)}) > 1
    view = q.student_view(state, article)
    assert [o["id"] for o in view["options"]] == state["order"]
    assert parse(Multiple, spec(shuffle=False)).new_state(random.Random(42))["order"] == list(
        "abcde"
    )


def test_to_spec_round_trips(parse, roundtrip):
    q = parse(Multiple, spec(points=3))
    again = roundtrip(q)
    assert again == q
    assert "credit" not in str(q.to_spec())


def test_template(parse, article, render):
    q = parse(Multiple, spec())
    html = render(q)
    assert html.count('type="checkbox"') == 5
    assert 'value="a"' not in html and 'choices-a"' not in html  # tokens, not bank ids
    assert "FB-" not in html and "missed" not in html
    g = q.grade({"choices": ["b", "d"]}, article)
    html = render(q, {"choices": ["b", "d"]}, g, locked=True)
    assert html.count("checked") == 2
    assert "chosen right" in html and "chosen wrong" in html and "missed" in html
    assert "FB-" not in html  # the page shows the feedback, not the inputs


def test_key_and_misconception_forms(parse, article):
    q = parse(Multiple, spec())
    state = q.new_state(random.Random(1))
    tokens = state["tokens"]
    assert q.key_form(state) == {"choices": [tokens["a"], tokens["b"], tokens["c"]]}
    assert q.grade(q.read_response(q.key_form(state), state), article).fraction == 1.0
    form, code = q.misconception_form(state)
    g = q.grade(q.read_response(form, state), article)
    assert g.fraction < 1 and g.misconception == code == "MULT_OFFBYONE"
    options = [o for o in spec()["options"] if "misconception" not in o]
    assert parse(Multiple, spec(options=options)).misconception_form({}) is None


def test_one_choice_is_a_complete_answer(parse, article):
    """Nothing in a multiple-select question says how many apply, so one choice is a
    complete answer (issue #17, item 2); its description is the options' words."""
    q = parse(Multiple, spec())
    one = q.read_response({"choices": ["d"]})
    assert q.incomplete(one) is None and q.is_complete(one)
    assert q.describe(one, article) == q.summarise(one, article) == "five times as many"
