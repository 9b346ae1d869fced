"""Item-writing lint (quiz/domain/banklint/): each rule trips on a flawed bank only."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from types import SimpleNamespace

import yaml

from quiz.domain import banklint
from quiz.questions.base import Question
from tests.bank_check_data import bank_data, loaded, question


def _rules(data, rule):
    return [w for w in banklint.RULES[rule](loaded(data))]


def _single(qid, key_text, others, key_at=0, skill="percent"):
    options = [{"text": t, "feedback": "No.", "misconception": "MULT_OFFBYONE"} for t in others]
    options.insert(key_at, {"text": key_text, "correct": True, "feedback": "Yes."})
    return {
        "id": qid,
        "type": "single",
        "skill": skill,
        "prompt": "Which?",
        "options": options,
        "explanation": "Because.",
    }


def test_key_longest_per_item():
    data = bank_data()
    question(data, "q-single")["options"][0]["text"] = (
        "Fifteen crimes, because 10 plus half of 10 is 15"
    )
    (w,) = _rules(data, "key-longest")
    assert w.question == "q-single" and w.rule == "key-longest"
    assert "test-wise" in w.message and w.line > 0
    assert _rules(bank_data(), "key-longest") == []
    # longer, but not by a clear margin
    question(data, "q-single")["options"][0]["text"] = "15 crimes"
    question(data, "q-single")["options"][1]["text"] = "5 crime"
    assert _rules(data, "key-longest") == []


def test_key_longest_share_over_the_bank():
    flawed = bank_data()
    fair = bank_data()
    for i in range(4):
        flawed["questions"].append(_single(f"s{i}", "the longest option here", ["short", "tiny"]))
        texts = ["the longest option here", "tiny"] if i % 2 else ["short", "tiny"]
        fair["questions"].append(_single(f"s{i}", "medium key", texts))
    (w,) = _rules(flawed, "key-longest-share")
    assert w.question is None and "in 4 of 5" in w.message
    assert set(w.questions) == {"s0", "s1", "s2", "s3"}
    assert w.concerns("s2") and not w.concerns("q-single")
    assert _rules(fair, "key-longest-share") == []


def test_key_position():
    flawed = bank_data()
    fair = bank_data()
    for i in range(4):
        flawed["questions"].append(_single(f"s{i}", "key", ["a", "b", "c"], key_at=0))
        fair["questions"].append(_single(f"s{i}", "key", ["a", "b", "c"], key_at=i))
    (w,) = _rules(flawed, "key-position")
    assert "option 1 in 6 of 6 choice items" in w.message and "shuffling off" in w.message
    assert _rules(fair, "key-position") == []


def test_misquote():
    data = bank_data()
    q = question(data, "q-single")
    q["explanation"] = "The police said “crime went up 50% last year” in the first sentence."
    q["options"][1]["feedback"] = 'The mayor "claimed the rise was … alarming".'
    (w,) = _rules(data, "misquote")
    assert (
        w.question == "q-single" and "explanation quotes “crime went up 50% last year”" in w.message
    )
    assert w.line > 0
    # an ellipsis leaves words out; it does not reorder them
    q["explanation"] = "Nothing quoted."
    q["options"][1]["feedback"] = 'The mayor said it was "alarming … the mayor claimed the rise".'
    (w,) = _rules(data, "misquote")
    assert "options[1].feedback quotes" in w.message


def test_misquote_allows_verbatim_ellipses_labels_answers_and_made_up_phrasings():
    data = bank_data()
    q = question(data, "q-single")
    q["explanation"] = (
        "The article says “police in the city said crime rose 50%” and "
        '"The mayor claimed … alarming." A writer who says “fell to a sixth” or '
        "“crime rose five times over” means something else; “Attributed” is the label, "
        '"15 is 50% more than 10" an answer, “rose 50%” too short to matter.'
    )
    assert _rules(data, "misquote") == []


def test_plain_share():
    data = bank_data(plain_category="plain")
    (question(data, "q-classify")["sentences"][2])["category"] = "attributed"
    (w,) = _rules(data, "plain-share")
    assert w.question == "q-classify" and "only 0 of 3" in w.message
    assert _rules(bank_data(plain_category="plain"), "plain-share") == []
    data.pop("plain_category")
    assert _rules(data, "plain-share") == []  # no plain category named: skipped


def test_misconception_skill():
    data = bank_data()
    data["misconceptions"] = {
        "MULT_OFFBYONE": {"text": "Off by one.", "skill": "percent"},
        "RATIO": {"text": "Ratio.", "skill": "percent"},
    }
    found = _rules(data, "misconception-skill")
    assert {w.question for w in found} == {"q-text", "q-highlight", "q-classify"}
    assert all("reporting" in w.message for w in found)
    data["misconceptions"]["RATIO"]["skill"] = "reporting"
    question(data, "q-numeric")["wrong"][0]["misconception"] = "MULT_OFFBYONE"
    assert _rules(data, "misconception-skill") == []
    assert _rules(bank_data(), "misconception-skill") == []  # no skills given: skipped


def test_untagged():
    data = bank_data()
    for o in question(data, "q-single")["options"]:
        o.pop("misconception", None)
    question(data, "q-text").pop("wrong")
    found = _rules(data, "untagged")
    assert [w.question for w in found] == ["q-single", "q-text"]
    assert _rules(bank_data(), "untagged") == []


def test_reused_numbers():
    data = bank_data()
    for i in range(4):
        data["questions"].append(_single(f"s{i}", "60", ["50", str(20 + i)], key_at=i % 3))
        data["questions"][-1]["prompt"] = "A count went from 10 to 60. What is it?"
    found = _rules(data, "reused-numbers")
    (w,) = found
    assert "the numbers 10 and 60 recur across 4 items (s0, s1, s2, s3; " in w.message
    assert w.questions == ("s0", "s1", "s2", "s3")
    fair = copy.deepcopy(data)
    fair["questions"][-1]["prompt"] = "A count went from 20 to 70. What is it?"
    fair["questions"][-1]["options"][0]["text"] = "70"
    assert _rules(fair, "reused-numbers") == []
    # the article's own numbers (50 here) are its subject, not reuse
    article = bank_data()
    for i in range(5):
        article["questions"].append(_single(f"s{i}", "50", ["40"], key_at=i % 2))
        article["questions"][-1]["prompt"] = "It rose 50% from 20 to 30, or was it 50?"
    assert [w for w in _rules(article, "reused-numbers") if "50" in w.message] == []


def test_lint_sorts_by_line_and_each_warning_is_one_line():
    data = bank_data()
    for i in range(4):
        data["questions"].append(_single(f"s{i}", "the very longest option of them all", ["a"]))
    warnings = banklint.lint(loaded(data))
    assert warnings == sorted(warnings, key=lambda w: w.line)
    for w in warnings:
        assert "\n" not in str(w)
        assert str(w).startswith(f"b.yaml:{w.line}: ")
        assert set(w.to_dict()) == {"file", "line", "question", "rule", "message", "questions"}


# -- the command ----------------------------------------------------------------------------


def _flawed(tmp_path):
    data = bank_data()
    for o in question(data, "q-single")["options"]:
        o.pop("misconception", None)
    path = tmp_path / "flawed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_warnings_exit_0_and_strict_exit_1(runner, tmp_path):
    path = _flawed(tmp_path)
    result = runner.invoke(args=["bank", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "question q-single: warning untagged: no wrong option is tagged" in result.output
    assert "1 warnings" in result.output
    result = runner.invoke(args=["bank", "check", "--strict", str(path)])
    assert result.exit_code == 1
    assert "--strict: 1 warnings count as errors" in result.output


def test_json_carries_warnings(runner, tmp_path):
    path = _flawed(tmp_path)
    result = runner.invoke(args=["bank", "check", "--json", str(path)])
    assert result.exit_code == 0
    report = json.loads(result.output)
    (w,) = report["warnings"]
    assert (w["file"], w["question"], w["rule"]) == (str(path), "q-single", "untagged")
    assert w["line"] > 0 and w["message"]
    result = runner.invoke(args=["bank", "check", "--json", "--strict", str(path)])
    assert result.exit_code == 1
    assert json.loads(result.output)["strict"] is True


def _multiple(qid, right, wrong, right_first=True):
    options = [{"text": t, "correct": True, "feedback": "Yes."} for t in right]
    others = [{"text": t, "feedback": "No.", "misconception": "RATIO"} for t in wrong]
    return {
        "id": qid,
        "type": "multiple",
        "skill": "percent",
        "prompt": "Which?",
        "options": options + others if right_first else others + options,
        "explanation": "Because.",
    }


def test_key_position_allows_for_chance():
    # three right options of four: the first option is right three times in four by chance
    data = bank_data(questions=[_multiple(f"m{i}", ["a", "b", "c"], ["d"]) for i in range(4)])
    assert _rules(data, "key-position") == []
    # two right of five, always listed first: far more often than chance
    data = bank_data(questions=[_multiple(f"m{i}", ["a", "b"], ["c", "d", "e"]) for i in range(4)])
    (w,) = _rules(data, "key-position")
    assert "option 1 in 4 of 4" in w.message
    data = bank_data(
        questions=[_multiple(f"m{i}", ["a", "b"], ["c", "d", "e"], i % 2 == 0) for i in range(4)]
    )
    assert _rules(data, "key-position") == []


def test_key_longest_share_allows_for_chance_with_two_options():
    items = [
        _single(f"s{i}", "the longer key" if i < 2 else "key", ["a middle one"]) for i in range(4)
    ]
    assert _rules(bank_data(questions=items), "key-longest-share") == []  # 2 of 4: chance


def test_years_are_not_reused_numbers():
    data = bank_data()
    for i in range(5):
        data["questions"].append(_single(f"s{i}", f"{30 + i}", ["50"], key_at=i % 2))
        data["questions"][-1]["prompt"] = "Between 2019 and 2023 the count rose. Which?"
    assert _rules(data, "reused-numbers") == []


def test_reused_numbers_that_share_a_number_make_one_warning():
    data = bank_data()
    for i in range(5):
        data["questions"].append(_single(f"s{i}", "60", ["40", str(20 + i)], key_at=i % 3))
        data["questions"][-1]["prompt"] = "A count went from 10 to 60."
        data["questions"][-1]["explanation"] = "10 + 5 × 10 = 60, not 40. ÷ 100 twice."
    (w,) = _rules(data, "reused-numbers")
    assert w.message.startswith("the numbers 10, 40 and 60 recur across 5 items")
    assert "100" not in w.message


def test_missing_feedback():
    """Feedback and the explanation are optional (a bank without them loads); the warning
    names every place a wrong answer or the explanation goes without."""
    assert _rules(bank_data(), "missing-feedback") == []
    data = bank_data()
    q = question(data, "q-single")
    del q["options"][1]["feedback"]
    q["explanation"] = "  "
    (w,) = _rules(data, "missing-feedback")
    assert w.question == "q-single" and w.rule == "missing-feedback" and w.line > 0
    assert "options[1].feedback, explanation" in w.message
    assert "That is not right." in w.message
    # the right option's feedback is not asked for: it is not a wrong answer
    data = bank_data()
    del question(data, "q-single")["options"][0]["feedback"]
    assert _rules(data, "missing-feedback") == []


def test_unprobed_misconception(runner, tmp_path):
    data = bank_data()
    data["misconceptions"] = {
        "MULT_OFFBYONE": {"text": "Off by one.", "skill": "percent"},
        "RATIO": {"text": "Ratio.", "skill": "percent"},
        "NEVER": {"text": "Never tagged.", "skill": "percent"},
        "NO_SKILL": "Never tagged, and of no skill: not checked.",
    }
    (w,) = _rules(data, "unprobed-misconception")
    assert w.question is None and w.message.startswith("NEVER, a misconception of skill")
    assert w.line > 0
    assert _rules(bank_data(), "unprobed-misconception") == []  # no skills given: skipped
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(args=["bank", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "bank: warning unprobed-misconception: NEVER" in result.output
    result = runner.invoke(args=["bank", "check", "--strict", str(path)])
    assert result.exit_code == 1, result.output


@dataclass(frozen=True)
class _Poll(Question):
    """A throwaway type that anticipates no wrong answers (every answer is an opinion)."""

    type = "poll"


@dataclass(frozen=True)
class _Claims(Question):
    """A throwaway type whose wrong answers are claims, none tagged."""

    type = "claims"
    wrong_answer_noun = "false claim"

    def wrong_answers(self):
        yield ("claims", 0), SimpleNamespace(misconception=None, feedback="")


def _with(q_type):
    bank = loaded(bank_data())
    n = next(i for i, q in enumerate(bank.questions) if q.id == "q-single")
    bank.questions[n] = q_type(
        id="q-new", skill="percent", prompt="Which?", explanation="", points=1, shuffle=False
    )
    return bank


def test_a_new_type_says_what_its_wrong_answers_are():
    # a type anticipating none is not asked to tag them, nor to explain them
    bank = _with(_Poll)
    assert list(banklint.RULES["untagged"](bank)) == []
    (w,) = [w for w in banklint.RULES["missing-feedback"](bank) if w.question == "q-new"]
    assert w.message.startswith("missing explanation:")
    # a type naming its wrong answers is asked, in its own words, by its own paths
    bank = _with(_Claims)
    (w,) = banklint.RULES["untagged"](bank)
    assert w.question == "q-new"
    assert w.message.startswith("no false claim is tagged with a misconception")
    (w,) = [w for w in banklint.RULES["missing-feedback"](bank) if w.question == "q-new"]
    assert w.message.startswith("missing claims[0].feedback, explanation:")
