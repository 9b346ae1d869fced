"""Questions' own checks: read at load time, run through the real grader by `bank check`."""

from __future__ import annotations

import json

import pytest
import yaml

from quiz.authoring.dump import document, dump_yaml
from quiz.domain.bankcheck import MAX_CHECKS, run_checks
from quiz.domain.banklint import failed_checks, lint
from quiz.domain.banks import parse_bank
from quiz.questions.checkform import MAX_ANSWER_ITEMS
from tests.bank_check_data import load, loaded, question, with_checks


def _outcomes(qid, checks):
    bank = loaded(with_checks(qid, checks))
    q = next(q for q in bank.questions if q.id == qid)
    return run_checks(q, bank.article)


# (question, answer as a student gives it, expectation that holds, one that fails)
KINDS = [
    ("q-single", "15", {"fraction": 1}, {"fraction": 0}),
    ("q-single", "12", {"at_least": 0.5, "at_most": 0.5}, {"at_least": 0.6}),
    ("q-single", "5", {"misconception": "MULT_OFFBYONE"}, {"fraction": 0.5}),
    (
        "q-multiple",
        ["15 is 150% of 10", "15 is 50% more than 10"],
        {"fraction": 1},
        {"at_most": 0.9},
    ),
    ("q-multiple", ["15 is 150% of 10"], {"fraction": 0.5}, {"fraction": 1}),
    ("q-multiple", ["15 is 50% of 10"], {"misconception": "MULT_OFFBYONE"}, {"at_least": 0.1}),
    ("q-numeric", "50%", {"fraction": 1}, {"fraction": 0}),
    ("q-numeric", "−50", {"fraction": 0}, {"at_least": 0.5}),
    ("q-numeric", "43", {"fraction": 0.5}, {"fraction": 1}),
    ("q-numeric", "150 percent", {"misconception": "RATIO"}, {"misconception": "MULT_OFFBYONE"}),
    ("q-text", "The Baseline.", {"fraction": 1}, {"fraction": 0}),
    ("q-text", "the source", {"misconception": "RATIO", "fraction": 0}, {"at_least": 1}),
    ("q-highlight", ["p1-s1", "The mayor claimed"], {"fraction": 1}, {"at_most": 0.5}),
    ("q-highlight", ["p1-s1"], {"fraction": 0.5}, {"fraction": 1}),
    ("q-highlight", ["p1-s1", "p1-s2", "p2-s2"], {"misconception": "RATIO"}, {"fraction": 1}),
    (
        "q-classify",
        {"p1-s1": "attributed", "Officials must act now": "advocacy", "p2-s2": "plain"},
        {"fraction": 1},
        {"fraction": 0},
    ),
    ("q-classify", {"p2-s2": "advocacy"}, {"misconception": "RATIO"}, {"at_least": 0.5}),
]


@pytest.mark.parametrize(("qid", "answer", "good", "bad"), KINDS)
def test_each_kind_passes_and_fails_through_the_real_grader(qid, answer, good, bad):
    ok, wrong = _outcomes(qid, [{"answer": answer, **good}, {"answer": answer, **bad}])
    assert ok.passed, ok.message
    assert ok.message == ""
    assert not wrong.passed
    assert wrong.message.startswith("expected ")
    assert "got" in wrong.message


def test_failure_message_names_what_was_expected_and_the_response():
    (outcome,) = _outcomes("q-text", [{"answer": "the time period", "fraction": 1}])
    assert outcome.message == 'expected fraction 1, got 0 ("the time period")'
    (outcome,) = _outcomes("q-single", [{"answer": "15", "misconception": "MULT_OFFBYONE"}])
    assert outcome.message == 'expected misconception MULT_OFFBYONE, got none ("15")'
    (outcome,) = _outcomes("q-numeric", [{"answer": "fifty", "fraction": 1}])
    assert not outcome.passed
    assert "unreadable" in outcome.message and "digits" in outcome.message


def test_checks_round_trip_through_to_spec_and_yaml():
    checks = [
        {"answer": "5", "fraction": 0, "misconception": "MULT_OFFBYONE"},
        {"answer": "12", "at_least": 0.25, "at_most": 0.75},
    ]
    bank = loaded(with_checks("q-single", checks))
    spec = bank.questions[0].to_spec()
    assert spec["checks"] == checks
    assert list(spec)[-1] == "checks"
    again = loaded(
        {**with_checks("q-single", None), "questions": [q.to_spec() for q in bank.questions]}
    )
    assert again.questions[0].to_spec() == spec
    assert again.sha256() == bank.sha256()


def test_no_checks_writes_nothing():
    bank = loaded(with_checks("q-single", None))
    assert "checks" not in bank.questions[0].to_spec()


# -- problems at load time ----------------------------------------------------------------

PROBLEMS = [
    (
        "q-single",
        [{"answer": "15", "fraction": 1, "fractoin": 1}],
        "checks[0].fractoin",
        "unknown field",
    ),
    (
        "q-single",
        [{"answer": "16", "fraction": 1}],
        "checks[0].answer",
        "not the text of an option",
    ),
    ("q-single", [{"answer": ["15"], "fraction": 1}], "checks[0].answer", "one option's text"),
    ("q-single", [{"answer": "15"}], "checks[0]", "needs at least one of fraction"),
    ("q-single", [{"fraction": 1}], "checks[0].answer", "is required"),
    ("q-single", [{"answer": "15", "fraction": 2}], "checks[0].fraction", "from 0 to 1"),
    ("q-single", [{"answer": "15", "fraction": True}], "checks[0].fraction", "from 0 to 1"),
    ("q-single", [{"answer": "15", "fraction": "1"}], "checks[0].fraction", "from 0 to 1"),
    (
        "q-single",
        [{"answer": "5", "misconception": "NOPE"}],
        "checks[0].misconception",
        "unknown misconception",
    ),
    (
        "q-single",
        [{"answer": "5", "misconception": "lower"}],
        "checks[0].misconception",
        "not a code",
    ),
    (
        "q-single",
        [{"answer": "5", "at_least": 0.8, "at_most": 0.2}],
        "checks[0].at_least",
        "more than at_most",
    ),
    ("q-single", "15", "checks", "must be a list"),
    ("q-single", ["15"], "checks[0]", "must be a mapping"),
    (
        "q-multiple",
        [{"answer": "15 is 150% of 10", "fraction": 1}],
        "checks[0].answer",
        "list of option texts",
    ),
    ("q-multiple", [{"answer": [], "fraction": 1}], "checks[0].answer", "at least one"),
    (
        "q-multiple",
        [{"answer": ["nope"], "fraction": 1}],
        "checks[0].answer[0]",
        "not the text of an option",
    ),
    ("q-multiple", [{"answer": [1, None], "fraction": 1}], "checks[0].answer[0]", "must be text"),
    (
        "q-multiple",
        [{"answer": ["15 is 150% of 10", "15 is 150% of 10"], "fraction": 1}],
        "checks[0].answer",
        "same option twice",
    ),
    ("q-numeric", [{"answer": {"a": 1}, "fraction": 1}], "checks[0].answer", "typed text"),
    ("q-numeric", [{"answer": "", "fraction": 1}], "checks[0].answer", "must not be empty"),
    ("q-text", [{"answer": "x" * 5000, "fraction": 0}], "checks[0].answer", "at most 1,000"),
    ("q-highlight", [{"answer": ["not in it"], "fraction": 0}], "checks[0].answer[0]", "not found"),
    (
        "q-highlight",
        [{"answer": ["p9-s9"], "fraction": 0}],
        "checks[0].answer[0]",
        "no sentence p9-s9",
    ),
    ("q-highlight", [{"answer": "p1-s1", "fraction": 0}], "checks[0].answer", "list of quotes"),
    ("q-classify", [{"answer": ["p1-s1"], "fraction": 0}], "checks[0].answer", "must map"),
    (
        "q-classify",
        [{"answer": {"p1-s1": "opinion"}, "fraction": 0}],
        "checks[0].answer.p1-s1",
        "unknown category",
    ),
    (
        "q-classify",
        [{"answer": {"p1-s2": "plain"}, "fraction": 0}],
        "checks[0].answer.p1-s2",
        "not one this question asks",
    ),
    ("q-classify", [{"answer": {}, "fraction": 0}], "checks[0].answer", "at least one"),
    (
        "q-classify",
        [{"answer": {"p1-s1": ["attributed"]}, "fraction": 0}],
        "checks[0].answer.p1-s1",
        "unknown category",
    ),
]


@pytest.mark.parametrize(("qid", "checks", "field", "words"), PROBLEMS)
def test_bad_checks_are_errors_with_their_place(qid, checks, field, words):
    bank, errors = load(with_checks(qid, checks))
    assert bank is None
    found = [e for e in errors if e.field == field]
    assert found, [str(e) for e in errors]
    assert words in found[0].message, str(found[0])
    assert found[0].question == qid
    assert found[0].file == "b.yaml" and found[0].line > 0


def test_hostile_sizes_are_errors_not_tracebacks():
    many = [{"answer": "15", "fraction": 1}] * (MAX_CHECKS + 1)
    _, errors = load(with_checks("q-single", many))
    assert any("at most" in e.message and e.field == "checks" for e in errors)
    huge = ["15 is 150% of 10"] * (MAX_ANSWER_ITEMS + 1)
    _, errors = load(with_checks("q-multiple", [{"answer": huge, "fraction": 0}]))
    assert any("at most" in e.message for e in errors)
    labels = {f"p{i}-s1": "plain" for i in range(MAX_ANSWER_ITEMS + 1)}
    _, errors = load(with_checks("q-classify", [{"answer": labels, "fraction": 0}]))
    assert any("at most" in e.message for e in errors)
    nested = [{"answer": [[["deep"]]], "fraction": 0}, {"answer": None, "fraction": None}]
    _, errors = load(with_checks("q-highlight", nested))
    assert errors and all("Traceback" not in str(e) for e in errors)


def test_checks_of_a_question_with_problems_are_not_judged():
    data = with_checks("q-single", [{"answer": "15", "fraction": 1}])
    question(data, "q-single")["options"][0]["feedback"] = ["not", "text"]
    _, errors = load(data)
    assert [e.field for e in errors if e.question == "q-single"] == ["options[0].feedback"]


def test_misconception_catalogue_may_give_skills():
    data = with_checks("q-single", None)
    data["misconceptions"] = {
        "MULT_OFFBYONE": {"text": "Off by one.", "skill": "percent"},
        "RATIO": "Ratio as percent.",
    }
    bank = loaded(data)
    assert bank.misconceptions == {"MULT_OFFBYONE": "Off by one.", "RATIO": "Ratio as percent."}
    assert bank.misconception_skills == {"MULT_OFFBYONE": "percent"}
    data["misconceptions"]["MULT_OFFBYONE"] = {"text": "Off.", "skill": "maths", "skil": "x"}
    _, errors = load(data)
    fields = {e.field: e.message for e in errors}
    assert "unknown skill 'maths'" in fields["misconceptions.MULT_OFFBYONE.skill"]
    assert "unknown field" in fields["misconceptions.MULT_OFFBYONE.skil"]
    data["misconceptions"]["MULT_OFFBYONE"] = {"skill": "percent"}
    _, errors = load(data)
    assert any(e.field == "misconceptions.MULT_OFFBYONE" for e in errors)


def test_plain_category_must_be_a_bank_category():
    assert loaded(with_checks("q-single", None, plain_category="plain")).plain_category == "plain"
    _, errors = load(with_checks("q-single", None, plain_category="neutral"))
    assert [e.field for e in errors] == ["plain_category"]


# -- the command ----------------------------------------------------------------------------


def _write(tmp_path, data, name="b.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_bank_check_reports_a_failing_check_with_its_place(runner, tmp_path):
    data = with_checks(
        "q-text",
        [{"answer": "the baseline", "fraction": 1}, {"answer": "the time period", "fraction": 1}],
    )
    path = _write(tmp_path, data)
    result = runner.invoke(args=["bank", "check", str(path)])
    assert result.exit_code == 1, result.output
    line = path.read_text().splitlines().index("  - answer: the time period") + 1
    assert (
        f"{path}:{line}: question q-text: checks[1]: expected fraction 1, got 0 "
        '("the time period")' in result.output
    )
    assert "Traceback" not in result.output
    result = runner.invoke(args=["bank", "check", "--json", str(path)])
    report = json.loads(result.output)
    assert result.exit_code == 1
    (error,) = report["errors"]
    assert (error["question"], error["field"], error["line"]) == ("q-text", "checks[1]", line)
    assert report["banks"][0]["checks"] == 2


def test_bank_check_passes_when_every_check_holds(runner, tmp_path):
    path = _write(tmp_path, with_checks("q-text", [{"answer": "the baseline", "fraction": 1}]))
    result = runner.invoke(args=["bank", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 checks run" in result.output


def test_failed_checks_counts_and_reports():
    bank = loaded(
        with_checks("q-single", [{"answer": "15", "fraction": 1}, {"answer": "5", "fraction": 1}])
    )
    ran, failures = failed_checks(bank)
    assert ran == 2
    assert [str(f).split(": ", 1)[1] for f in failures] == [
        'question q-single: checks[1]: expected fraction 1, got 0 ("5")'
    ]


def test_the_shipped_bank_passes_bank_check_strict(shipped_banks):
    """Every shipped check holds and no item-writing warning is left (issue #15)."""
    for bank in shipped_banks:
        ran, failures = failed_checks(bank)
        assert failures == [], [str(f) for f in failures]
        assert lint(bank) == [], [str(w) for w in lint(bank)]
        typed = [q for q in bank.questions if q.type in ("numeric", "text")]
        assert all(q.checks for q in typed), [q.id for q in typed if not q.checks]
        assert ran >= len(typed)


def test_document_keeps_plain_category_and_misconception_skills():
    data = with_checks("q-single", [{"answer": "15", "fraction": 1}], plain_category="plain")
    data["misconceptions"]["RATIO"] = {"text": "Ratio as percent.", "skill": "percent"}
    bank = loaded(data)
    text = dump_yaml(document(bank))
    again, errors = parse_bank(text, "again.yaml")
    assert errors == []
    assert again.plain_category == "plain"
    assert again.misconception_skills == {"RATIO": "percent"}
    assert again.misconceptions == bank.misconceptions
    assert list(yaml.safe_load(text)).index("plain_category") == 5  # after the categories
    assert again.questions[0].checks == bank.questions[0].checks
