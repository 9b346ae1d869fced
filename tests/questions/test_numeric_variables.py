"""``numeric`` questions with variables (issue #22, item 3): safe formulas, ranges,
load-time problems, per-attempt values, grading and tagging with any values, checks."""

from __future__ import annotations

import random
from typing import Any

import pytest

from quiz.domain.bankcheck import parse_checks, run_checks
from quiz.questions.formula import Formula, FormulaError, Range, fill
from quiz.questions.numeric import Numeric


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": "number",
        "prompt": "Assaults rose {rise}% from {start}. How many now?",
        "explanation": "{start} grown by {rise}% is {start} × (1 + {rise}/100).",
        "variables": {"start": "5..40", "rise": "100..500 step 50"},
        "answers": [{"formula": "start * (1 + rise/100)", "feedback": "Right: {start} grew."}],
        "wrong": [
            {
                "formula": "start * rise / 100",
                "misconception": "MULT_OFFBYONE",
                "feedback": "That is {rise}% of {start}, not the new total.",
            }
        ],
    }
    data.update(overrides)
    return data


# -- the formula evaluator ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "result"),
    [
        ("start * (1 + rise/100)", {"start": 10, "rise": 500}, 60),
        ("-x + 2", {"x": 5}, -3),
        ("+x", {"x": 5}, 5),
        ("2 ** 10", {}, 1024),
        ("round(2.567, 2)", {}, 2.57),
        ("round(x / 3)", {"x": 10}, 3),
        ("abs(a - b)", {"a": 3, "b": 8}, 5),
        ("min(a, b, 7) + max(a, b)", {"a": 3, "b": 8}, 11),
        ("((((x))))", {"x": 1.5}, 1.5),
    ],
)
def test_formula_evaluates(text, values, result):
    assert Formula.parse(text).evaluate(values) == pytest.approx(result)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("__import__('os').system('true')", "only round, abs, min and max"),
        ("open('x')", "only round, abs, min and max"),
        ("x.real", "only numbers"),
        ("x[0]", "only numbers"),
        ("lambda: 1", "only numbers"),
        ("x if x else 1", "only numbers"),
        ("x == 1", "only numbers"),
        ("x // 2", "only numbers"),
        ("x % 2", "only numbers"),
        ("'text'", "not a number"),
        ("True + 1", "not a number"),
        ("round", "is a function"),
        ("round(x, ndigits=2)", "plain arguments"),
        ("x +", "not a formula"),
        ("", "must not be empty"),
        ("1" * 201, "longer than 200"),
        ("-" * 30 + "1", "nested more than"),
        ("(" * 100 + "1" + ")" * 100, "longer than 200"),
        ("1+" * 40 + "1", "nested more than"),
    ],
)
def test_formula_refused(text, says):
    with pytest.raises(FormulaError, match=says):
        Formula.parse(text)


@pytest.mark.parametrize(
    ("text", "values", "says"),
    [
        ("9**9**9", {}, "power larger than 100"),
        ("10 ** 101", {}, "power larger than 100"),
        ("x ** x ** x", {"x": 9}, "power larger than 100"),
        ("10 ** 20", {}, "too large"),
        ("1e300 * 1e300", {}, "too large"),
        ("1 / (x - 5)", {"x": 5}, "divides by zero"),
        ("0 ** -1", {}, "divides by zero"),
        ("(-8) ** 0.5", {}, "root of a negative"),
        ("y + 1", {"x": 1}, "not a variable"),
        ("round(x, 50)", {"x": 1}, "decimal places"),
    ],
)
def test_hostile_values_are_bounded(text, values, says):
    with pytest.raises(FormulaError, match=says):
        Formula.parse(text).evaluate(values)


def test_formula_never_evaluates_names_outside_the_values():
    f = Formula.parse("print + x")
    assert f.names == {"print", "x"}
    with pytest.raises(FormulaError, match="'print'"):
        f.evaluate({"x": 1})


@pytest.mark.parametrize(
    ("text", "count", "corners", "drawn"),
    [
        ("5..40", 36, [5, 23, 40], set(range(5, 41))),
        ("100..500 step 50", 9, [100, 300, 500], set(range(100, 501, 50))),
        ("0.5..2.5 step 0.5", 5, [0.5, 1.5, 2.5], {0.5, 1.0, 1.5, 2.0, 2.5}),
        ("7..7", 1, [7], {7}),
        (3, 1, [3], {3}),
    ],
)
def test_ranges(text, count, corners, drawn):
    r = Range.parse(text)
    assert r.count == count
    assert r.corners() == corners
    rng = random.Random(5)
    assert {r.draw(rng) for _ in range(300)} <= drawn


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("40..5", "is empty"),
        ("5..40 step 0", "not positive"),
        ("1..10 step -1", "not a range"),
        ("1..1000000000 step 1", "more than 100,000 values"),
        ("0..1 step 0.0000001", "six decimal places"),
        ("five..ten", "not a range"),
        ([1, 2], "must be a range"),
        (True, "must be a range"),
    ],
)
def test_ranges_refused(text, says):
    with pytest.raises(FormulaError, match=says):
        Range.parse(text)


def test_fill_puts_values_in_and_leaves_other_braces():
    assert fill("{start} rose by {rise}% {other}", {"start": 1200, "rise": 50}) == (
        "1,200 rose by 50% {other}"
    )


# -- the question ------------------------------------------------------------------------


def test_parses_and_round_trips(parse, roundtrip):
    q = parse(Numeric, spec())
    assert [name for name, _ in q.variables] == ["start", "rise"]
    again = roundtrip(q)
    assert again.to_spec() == q.to_spec()
    assert q.to_spec()["variables"] == {"start": "5..40", "rise": "100..500 step 50"}
    assert q.to_spec()["answers"][0]["formula"] == "start * (1 + rise/100)"


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"variables": {"start": "40..5"}}, ("variables", "start"), "is empty"),
        ({"variables": {"Start!": "1..5"}}, ("variables", "Start!"), "is not a name"),
        ({"variables": []}, ("variables",), "must map names to ranges"),
        (
            {"answers": [{"formula": "begin * 6", "feedback": "f"}]},
            ("answers", 0, "formula"),
            "uses begin, not a variable",
        ),
        (
            {"answers": [{"formula": "start / (rise - 300)", "feedback": "f"}]},
            ("answers", 0, "formula"),
            "divides by zero when start=5, rise=300",
        ),
        (
            {"wrong": [{"formula": "9**9**9", "misconception": "MULT_OFFBYONE"}]},
            ("wrong", 0, "formula"),
            "power larger than 100",
        ),
        (
            {"wrong": [{"formula": "start +", "misconception": "MULT_OFFBYONE"}]},
            ("wrong", 0, "formula"),
            "not a formula",
        ),
        ({"prompt": "From {begin}?"}, ("prompt",), "{begin}, which is not a variable"),
        (
            {"answers": [{"value": 60, "feedback": "f"}]},
            ("answers",),
            "has variables but no formula",
        ),
    ],
)
def test_load_time_problems_name_the_field(problems, overrides, path, message):
    found = problems(Numeric, spec(**overrides))
    assert any(p == path and message in m for p, m in found), found


def test_a_formula_without_variables_is_refused(problems):
    found = problems(
        Numeric, {"unit": "number", "answers": [{"formula": "x * 2", "feedback": "f"}]}
    )
    assert (
        ("answers", 0, "formula"),
        "uses x, not a variable (variables: none: declare variables)",
    ) in found


def test_each_attempt_draws_its_own_values_and_keeps_them(parse):
    q = parse(Numeric, spec())
    states = [q.new_state(random.Random(n)) for n in range(30)]
    assert len({tuple(s["vars"].values()) for s in states}) > 10  # fresh numbers
    for s in states:
        assert 5 <= s["vars"]["start"] <= 40
        assert s["vars"]["rise"] in range(100, 501, 50)
        # the seed gives the same values again (resume and review are stable)
        assert q.new_state(random.Random(states.index(s)))["vars"] == s["vars"]
    shown = q.for_state(states[0])
    start, rise = states[0]["vars"]["start"], states[0]["vars"]["rise"]
    assert shown.prompt == f"Assaults rose {rise}% from {start}. How many now?"
    assert f"{start} grown by {rise}%" in shown.explanation
    assert q.for_state(states[0]).prompt == shown.prompt
    assert q.for_state(None).prompt == "Assaults rose 100% from 5. How many now?"


@pytest.mark.parametrize(("start", "rise"), [(10, 500), (37, 150), (5, 100), (40, 450)])
def test_grading_and_tagging_with_any_values(parse, article, start, rise):
    q = parse(Numeric, spec())
    state = {"seed": 1, "vars": {"start": start, "rise": rise}}
    right = start * (1 + rise / 100)
    offbyone = start * rise / 100

    response = q.read_response({"value": [f"{right:g}"]}, state)
    assert response["vars"] == {"start": start, "rise": rise}
    grade = q.grade(response, article)
    assert grade.fraction == 1
    assert grade.feedback[0].text == f"Right: {start} grew."
    assert grade.classification == "answer:start * (1 + rise/100)"
    assert grade.summary == f"{right:g} (start={start}, rise={rise})"

    grade = q.grade(q.read_response({"value": [f"{offbyone:g}"]}, state), article)
    assert grade.fraction == 0
    assert grade.misconceptions == ("MULT_OFFBYONE",)
    assert grade.feedback[0].text == f"That is {rise}% of {start}, not the new total."
    assert grade.classification == "wrong:start * rise / 100"

    assert q.grade(q.read_response({"value": ["0.001"]}, state), article).classification == (
        "other"
    )
    assert q.key_form(state) == {"value": [f"{right:g}"]}
    assert q.misconception_form(state) == ({"value": [f"{offbyone:g}"]}, "MULT_OFFBYONE")


def test_values_a_form_sends_are_ignored(parse, article):
    """The values come from the slot's state, never from the page."""
    q = parse(Numeric, spec())
    state = {"vars": {"start": 10, "rise": 500}}
    response = q.read_response({"value": ["60"], "vars": ["{'start': 1}"]}, state)
    assert response["vars"] == {"start": 10, "rise": 500}
    # a state with broken values falls back to the first value of each range
    broken = q.read_response({"value": ["10"]}, {"vars": {"start": "x", "rise": float("inf")}})
    assert broken["vars"] == {"start": 5, "rise": 100}
    assert q.grade(broken, article).fraction == 1


def test_student_view_gives_nothing_away(parse, article):
    q = parse(Numeric, spec())
    state = q.new_state(random.Random(3))
    view = q.student_view(state, article)
    assert "formula" not in str(view) and "start" not in str(view)


# -- checks with vars --------------------------------------------------------------------


def _checks(q: Numeric, raw: list[Any], make_ctx: Any) -> tuple[list[Any], list[Any]]:
    ctx = make_ctx()
    checks = parse_checks({"checks": raw}, q, ctx)
    return checks, [(p.path, p.message) for p in ctx.problems]


def test_checks_with_vars(parse, article, make_ctx):
    q = parse(Numeric, spec())
    checks, found = _checks(
        q,
        [
            {"vars": {"start": 10, "rise": 500}, "answer": "60", "fraction": 1},
            {
                "vars": {"start": 10, "rise": 500},
                "answer": "50",
                "fraction": 0,
                "misconception": "MULT_OFFBYONE",
            },
            {"answer": "10", "fraction": 1},  # no vars: the first value of each range
            {"vars": {"start": 20}, "answer": "40", "fraction": 1},  # rise: its first, 100
            {"vars": {"start": 10, "rise": 500}, "answer": "50", "fraction": 1},  # fails
        ],
        make_ctx,
    )
    assert found == []
    object.__setattr__(q, "checks", tuple(checks))
    outcomes = run_checks(q, article)
    assert [o.passed for o in outcomes] == [True, True, True, True, False]
    assert "expected fraction 1, got 0" in outcomes[-1].message
    assert checks[0].to_spec() == {
        "answer": "60",
        "vars": {"start": 10, "rise": 500},
        "fraction": 1,
    }


@pytest.mark.parametrize(
    ("vars_", "says"),
    [
        ({"begin": 3}, "'begin' is not a variable"),
        ({"start": "ten"}, "start must be a number"),
        ({"start": True}, "start must be a number"),
        ([10], "must map each variable"),
        ({"rise": -100}, "divides by zero"),
    ],
)
def test_check_vars_refused(parse, make_ctx, vars_, says):
    q = parse(
        Numeric,
        spec(answers=[{"formula": "start * 100 / (100 + rise)", "feedback": "f"}]),
    )
    _, found = _checks(q, [{"vars": vars_, "answer": "1", "fraction": 1}], make_ctx)
    assert any(p == ("checks", 0, "vars") and says in m for p, m in found), found


def test_vars_on_a_question_without_variables(parse, make_ctx):
    q = parse(Numeric, {"unit": "number", "answers": [{"value": 6, "feedback": "f"}]})
    _, found = _checks(q, [{"vars": {"x": 1}, "answer": "6", "fraction": 1}], make_ctx)
    assert found == [(("checks", 0, "vars"), "this question has no variables")]


def test_questions_parsed_twice_are_equal(parse):
    """A formula compares by its text (an ast tree compares by identity)."""
    assert parse(Numeric, spec()) == parse(Numeric, spec())
    assert Formula.parse("x + 1") == Formula.parse("x + 1") != Formula.parse("x + 2")


def test_the_prompt_for_teachers_shows_each_range_as_plain_text(parse):
    """Pooled reports show where each number came from; the brackets are escaped
    Markdown, so a prompt going on with "(...)" never turns into a link."""
    from quiz.domain.rendering import markdown_inline

    q = parse(Numeric, spec(prompt="Rose {rise}(about) from **{start}**."))
    html = str(markdown_inline(q.prompt_for_teachers()))
    assert html == "Rose [100–500 step 50](about) from <strong>[5–40]</strong>."
    fixed = parse(Numeric, {"unit": "number", "prompt": "Plain.", "answers": [{"value": 6}]})
    assert fixed.prompt_for_teachers() == "Plain."
