"""``numeric``: reading numbers as a person means them, tolerances, wrong values."""

from __future__ import annotations

import random
from typing import Any

import pytest

from quiz.questions.base import Unreadable
from quiz.questions.numeric import Numeric, format_number, read_number


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("500%", "percent", 500),
        ("500 %", "percent", 500),
        ("500 percent", "percent", 500),
        ("500 per cent", "percent", 500),
        ("500 Percent.", "percent", 500),
        ("500", "percent", 500),
        ("６", "percent", 6),  # full-width digit
        ("6x", "times", 6),
        ("6 x", "times", 6),
        ("6X", "times", 6),
        ("6×", "times", 6),
        ("6 times", "times", 6),
        ("6 times as many", "times", 6),
        ("×6", "times", 6),
        ("x 6", "times", 6),
        ("6-fold", "times", 6),
        ("6", "times", 6),
        ("1,200", "number", 1200),
        ("1,200,000", "number", 1_200_000),
        ("1,200.5", "number", 1200.5),
        ("0.5", "number", 0.5),
        (".5", "number", 0.5),
        ("6.", "number", 6),
        ("\u221220", "number", -20),  # Unicode minus
        ("-20", "number", -20),
        ("+20", "number", 20),
        ("\u201320", "number", -20),  # en dash
        ("\u2212 20%", "percent", -20),
        ("  42 \t", "number", 42),
        ("\u00a083.3\u00a0", "percent", 83.3),
    ],
)
def test_reads_numbers_as_a_person_means_them(text, unit, value):
    assert read_number(text, unit) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "unit", "says"),
    [
        ("6x", "percent", ["multiplier (6×)", "asks for a percentage", "for example 25%"]),
        ("6 times", "percent", ["multiplier (6×)", "percentage"]),
        ("×6", "number", ["multiplier (6×)", "plain number"]),
        ("500%", "times", ["percentage (500%)", "multiplier"]),
        ("500 per cent", "number", ["percentage (500%)", "plain number"]),
    ],
)
def test_a_form_that_does_not_fit_the_unit_says_so(text, unit, says):
    with pytest.raises(Unreadable) as exc:
        read_number(text, unit)
    for words in says:
        assert words in str(exc.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1,2", "comma"),
        ("1,20", "comma"),
        ("0,500", "comma"),
        ("5OO", "letter O"),
        ("500%%", "more than one percent sign"),
        ("five hundred", "in digits"),
        ("1.2.3", "more than one decimal point"),
        ("--5", "more than one plus or minus"),
        ("50 0", "space inside the number"),
        ("6xx", "more than one times sign"),
        ("×6%", "could not read"),
        ("×6×", "more than one times sign"),
        ("1e6", "could not read"),
        ("about 5", "could not read"),
        ("%", "Please type a percentage"),
    ],
)
def test_near_misses_ask_again_kindly(text, says):
    with pytest.raises(Unreadable) as exc:
        read_number(text, "percent")
    message = str(exc.value)
    assert says in message
    assert "Traceback" not in message and "float" not in message


def test_messages_give_nothing_away():
    # the example values must not be the article's 500% or its 6×
    for unit in ("percent", "times", "number"):
        with pytest.raises(Unreadable) as exc:
            read_number("lots", unit)
        assert "500" not in str(exc.value) and "6×" not in str(exc.value)


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (500, "percent", "500%"),
        (6, "times", "6×"),
        (1200, "number", "1,200"),
        (83.3, "percent", "83.3%"),
        (-20, "number", "-20"),
        (0.5, "number", "0.5"),
    ],
)
def test_format_number(value, unit, shown):
    assert format_number(value, unit) == shown


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": "percent",
        "answers": [
            {"value": 500, "feedback": "FB-RIGHT: 60 is 6 times 10."},
            {"value": 490, "tolerance": 5, "credit": 0.5, "feedback": "FB-CLOSE: nearly."},
        ],
        "wrong": [
            {
                "value": 5,
                "feedback": "FB-FIVE: that is the multiplier minus one.",
                "misconception": "MULT_OFFBYONE",
            },
            {"value": 600, "relative": 0.01, "feedback": "FB-600: that is new/old as a percent."},
        ],
        "otherwise": "FB-OTHER: compare the change with the start.",
    }
    data.update(overrides)
    return data


def test_parses(parse):
    q = parse(Numeric, spec())
    assert q.unit == "percent"
    assert [(a.value, a.tolerance, a.credit) for a in q.answers] == [(500, 0, 1), (490, 5, 0.5)]
    assert q.wrong[1].relative == 0.01
    assert q.shuffle is False
    assert parse(Numeric, {"answers": [{"value": 3, "feedback": "f"}]}).unit == "number"


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"unit": "dollars"}, ("unit",), "must be one of percent, times, number"),
        ({"answers": None}, ("answers",), "is required"),
        ({"answers": []}, ("answers",), "must not be empty"),
        (
            {"answers": [{"value": 5, "credit": 0.5, "feedback": "f"}]},
            ("answers",),
            "no accepted value",
        ),
        ({"answers": [{"feedback": "f"}]}, ("answers", 0, "value"), "is required"),
        (
            {"answers": [{"value": "500%", "feedback": "f"}]},
            ("answers", 0, "value"),
            "must be a number",
        ),
        ({"answers": [{"value": 5, "feedback": [1]}]}, ("answers", 0, "feedback"), "must be text"),
        (
            {"answers": [{"value": 5, "tolerance": -1, "feedback": "f"}]},
            ("answers", 0, "tolerance"),
            "negative",
        ),
        (
            {"answers": [{"value": 5, "credit": 1.5, "feedback": "f"}]},
            ("answers", 0, "credit"),
            "between 0 and 1",
        ),
        ({"wrong": "five"}, ("wrong",), "must be a list"),
        ({"wrong": [{"value": 5, "feedback": {}}]}, ("wrong", 0, "feedback"), "must be text"),
        (
            {"wrong": [{"value": 5, "relative": -0.1, "feedback": "f"}]},
            ("wrong", 0, "relative"),
            "negative",
        ),
        (
            {"wrong": [{"value": 5, "feedback": "f", "misconception": "NOPE"}]},
            ("wrong", 0, "misconception"),
            "unknown",
        ),
        ({"otherwise": ["x"]}, ("otherwise",), "must be text"),
    ],
)
def test_reports_each_problem_with_its_path(problems, overrides, path, message):
    found = problems(Numeric, spec(**overrides))
    assert any(p == path and message in m for p, m in found), found


def test_read_response(parse):
    q = parse(Numeric, spec())
    assert q.read_response({}) is None
    assert q.read_response({"value": ["   "]}) is None
    assert q.read_response({"value": [" 500 % "]}) == {"text": "500 %", "value": 500.0}
    with pytest.raises(Unreadable, match="multiplier"):
        q.read_response({"value": ["6x"]})
    with pytest.raises(Unreadable):
        q.read_response({"value": ["1,2"]})


def _grade(q, text, article):
    return q.grade(q.read_response({"value": [text]}), article)


def test_grades_accepted_wrong_and_other_values(parse, article):
    q = parse(Numeric, spec())
    right = _grade(q, "500%", article)
    assert (right.fraction, right.verdict, right.classification) == (1.0, "right", "answer:500")
    assert right.feedback[0].text == "FB-RIGHT: 60 is 6 times 10."
    assert right.summary == "500%"

    close = _grade(q, "487", article)  # within 490 ± 5
    assert (close.fraction, close.verdict, close.classification) == (0.5, "partial", "answer:490")

    five = _grade(q, "5", article)
    assert (five.fraction, five.classification, five.misconceptions) == (
        0.0,
        "wrong:5",
        ("MULT_OFFBYONE",),
    )
    assert five.feedback[0].text.startswith("FB-FIVE")

    near_600 = _grade(q, "605", article)  # 600 ± 1%
    assert near_600.classification == "wrong:600" and near_600.misconceptions == ()
    assert _grade(q, "607", article).classification == "other"

    other = _grade(q, "12.5", article)
    assert (other.fraction, other.classification) == (0.0, "other")
    assert other.feedback[0].text.startswith("FB-OTHER") and other.feedback[0].verdict == "wrong"

    assert q.right_answer(article) == "500%"
    assert q.random_guess_score() == 0.0


def test_best_credit_wins_and_default_otherwise(parse, article):
    q = parse(
        Numeric,
        {
            "unit": "times",
            "answers": [
                {"value": 6, "tolerance": 1, "credit": 0.5, "feedback": "near"},
                {"value": 6, "feedback": "exact"},
            ],
        },
    )
    assert _grade(q, "6x", article).feedback[0].text == "exact"
    g = _grade(q, "9", article)
    assert g.feedback[0].text == "Not the value we were looking for."
    assert q.right_answer(article) == "6×"
    assert q.grade({}, article).fraction == 0.0


def test_student_view_hides_the_key(parse, article, assert_hidden):
    q = parse(Numeric, spec())
    view = q.student_view(q.new_state(random.Random(1)), article)
    assert view["unit"] == "percent"
    assert "percentage" in view["hint"]
    assert_hidden(view, "FB-RIGHT", "FB-FIVE", "FB-OTHER", "500", "MULT_OFFBYONE")
    assert q.new_state(random.Random(1)) == {}


def test_to_spec_round_trips(parse, roundtrip):
    q = parse(Numeric, spec())
    assert roundtrip(q) == q
    written = q.to_spec()
    assert written["answers"][0] == {"value": 500, "feedback": "FB-RIGHT: 60 is 6 times 10."}
    assert "shuffle" not in written
    bare = parse(Numeric, {"answers": [{"value": 1.5, "feedback": "f"}]})
    assert roundtrip(bare) == bare


def test_template(parse, article, render):
    q = parse(Numeric, spec())
    html = render(q)
    assert 'name="value"' in html and "FB-" not in html and "500" not in html
    g = _grade(q, "5", article)
    html = render(q, {"text": "5 <b>", "value": 5.0}, g, locked=True)
    assert 'value="5 &lt;b&gt;"' in html
    assert "wrong" in html


def test_key_and_misconception_forms(parse, article):
    q = parse(Numeric, spec())
    assert q.key_form({}) == {"value": ["500%"]}
    assert q.grade(q.read_response(q.key_form({})), article).fraction == 1.0
    form, code = q.misconception_form({})
    assert (form, code) == ({"value": ["5%"]}, "MULT_OFFBYONE")
    assert q.grade(q.read_response(form), article).misconception == code
    third = parse(Numeric, {"unit": "times", "answers": [{"value": 1 / 3, "feedback": "f"}]})
    assert third.grade(third.read_response(third.key_form({})), article).fraction == 1.0
    assert third.misconception_form({}) is None
    # a wrong value that an accepted one swallows cannot show its misconception
    shadowed = parse(
        Numeric,
        {
            "answers": [{"value": 10, "tolerance": 1, "feedback": "f"}],
            "wrong": [{"value": 10.5, "feedback": "g", "misconception": "MULT_OFFBYONE"}],
        },
    )
    assert shadowed.misconception_form({}) is None
