"""``highlight``: select the sentences that meet a criterion; hits minus wrong picks."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from quiz.questions.base import Unreadable
from quiz.questions.highlight import Highlight


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "skill": "reporting",
        "paragraphs": [2, 3],
        "sentences": [
            {
                "quote": "Stakeholders must act now.",
                "feedback": "FB-MUST: must tells readers what to do.",
            },
            {
                "quote": "A balanced approach is vital.",
                "feedback": "FB-VITAL: vital is the writer's call.",
            },
        ],
        "distractors": [
            {
                "quote": "Advocates argue",
                "feedback": "FB-ADV: this reports what advocates argue.",
                "misconception": "REPORT_AS_VOICE",
            }
        ],
        "otherwise": "FB-OTHER: nothing here says what should be done.",
    }
    data.update(overrides)
    return data


def test_parses(parse):
    q = parse(Highlight, spec())
    assert q.paragraphs == (2, 3)
    assert [s.sentence for s in q.sentences] == ["p2-s2", "p3-s3"]
    assert [d.sentence for d in q.distractors] == ["p3-s1"]
    assert q.selectable == ("p2-s1", "p2-s2", "p3-s1", "p3-s2", "p3-s3")


def test_all_paragraphs_by_default(parse, article):
    q = parse(Highlight, spec(paragraphs=None, distractors=None, otherwise=None))
    assert q.paragraphs == () and q.distractors == ()
    view = q.student_view({}, article)
    assert [p["number"] for p in view["paragraphs"]] == [1, 2, 3]
    assert len(q.selectable) == len(article.sentences)


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"paragraphs": [2, 9]}, ("paragraphs", 1), "not a paragraph number (1 to 3)"),
        ({"paragraphs": [0, 2, 3]}, ("paragraphs", 0), "not a paragraph number"),
        ({"paragraphs": ["2", 3]}, ("paragraphs", 0), "not a paragraph number"),
        ({"paragraphs": [2, 3, 2]}, ("paragraphs", 2), "listed twice"),
        ({"paragraphs": "2"}, ("paragraphs",), "must be a list"),
        ({"sentences": None}, ("sentences",), "is required"),
        ({"sentences": []}, ("sentences",), "must not be empty"),
        (
            {"sentences": [{"quote": "DHS recently", "feedback": "f"}]},
            ("sentences", 0, "quote"),
            "paragraph 1, which this question does not show",
        ),
        (
            {"sentences": [{"quote": "no such words", "feedback": "f"}]},
            ("sentences", 0, "quote"),
            "not found",
        ),
        (
            {"sentences": [{"quote": "Stakeholders", "feedback": 3j}]},
            ("sentences", 0, "feedback"),
            "must be text",
        ),
        (
            {
                "sentences": [
                    {"quote": "Stakeholders", "feedback": "f"},
                    {"quote": "must act", "feedback": "g"},
                ]
            },
            ("sentences", 1, "quote"),
            "already quoted at sentences[0]",
        ),
        (
            {"distractors": [{"quote": "Stakeholders must", "feedback": "f"}]},
            ("distractors", 0, "quote"),
            "already quoted at sentences[0]",
        ),
        (
            {"distractors": [{"quote": "Advocates", "feedback": "f", "misconception": "NOPE"}]},
            ("distractors", 0, "misconception"),
            "unknown",
        ),
        ({"distractors": {"quote": "Advocates"}}, ("distractors",), "must be a list"),
    ],
)
def test_reports_each_problem_with_its_path(problems, overrides, path, message):
    found = problems(Highlight, spec(**overrides))
    assert any(p == path and message in m for p, m in found), found


def test_read_response(parse):
    q = parse(Highlight, spec())
    assert q.read_response({}) is None
    assert q.read_response({"sentences": [" "]}) is None
    got = q.read_response({"sentences": ["p3-s3", "p2-s2", "p3-s3"]})
    assert got == {"sentences": ["p2-s2", "p3-s3"]}
    with pytest.raises(Unreadable):  # a sentence of a paragraph not shown
        q.read_response({"sentences": ["p2-s2", "p1-s1"]})
    with pytest.raises(Unreadable):
        q.read_response({"sentences": ["p3-s9"]})


@pytest.mark.parametrize(
    ("chosen", "fraction"),
    [
        (["p2-s2", "p3-s3"], 1.0),
        (["p2-s2"], 0.5),
        (["p2-s2", "p3-s3", "p3-s1"], 0.5),
        (["p2-s2", "p3-s1"], 0.0),
        (["p3-s1", "p2-s1", "p3-s2"], 0.0),  # never below zero
        (["p2-s1", "p2-s2", "p3-s1", "p3-s2", "p3-s3"], 0.0),  # selecting everything
    ],
)
def test_fraction_is_hits_minus_wrong_picks(parse, article, chosen, fraction):
    q = parse(Highlight, spec())
    assert q.grade({"sentences": chosen}, article).fraction == pytest.approx(fraction)


def test_feedback_misconceptions_classification(parse, article):
    q = parse(Highlight, spec())
    g = q.grade({"sentences": ["p3-s2", "p3-s1", "p2-s2"]}, article)
    assert [(f.about, f.verdict) for f in g.feedback] == [
        ("p2-s2", "right"),
        ("p3-s1", "wrong"),
        ("p3-s2", "wrong"),
        ("p3-s3", "wrong"),
    ]
    texts = {f.about: f.text for f in g.feedback}
    assert texts["p2-s2"] == "FB-MUST: must tells readers what to do."
    assert texts["p3-s1"] == "FB-ADV: this reports what advocates argue."
    assert texts["p3-s2"] == "FB-OTHER: nothing here says what should be done."
    assert "missed" in texts["p3-s3"] and texts["p3-s3"].endswith(
        "FB-VITAL: vital is the writer's call."
    )
    assert g.misconceptions == ("REPORT_AS_VOICE",)
    assert g.classification == "p2-s2,p3-s1,p3-s2"
    assert g.summary == "p2-s2, p3-s1, p3-s2"
    assert q.right_answer(article) == (
        "¶2 “Stakeholders must act now.”; ¶3 “A balanced approach is vital.”"
    )
    assert q.random_guess_score() is None


def test_default_feedback_for_other_picks(parse, article):
    q = parse(Highlight, spec(otherwise=None))
    g = q.grade({"sentences": ["p2-s1"]}, article)
    assert g.feedback[0].about == "p2-s1" and g.feedback[0].verdict == "wrong"
    assert g.feedback[0].text


def test_student_view_hides_the_key(parse, article, assert_hidden):
    q = parse(Highlight, spec())
    view = q.student_view(q.new_state(random.Random(1)), article)
    assert [p["number"] for p in view["paragraphs"]] == [2, 3]
    assert view["paragraphs"][1]["sentences"][1] == {
        "id": "p3-s2",
        "text": "The agency\u2019s figures were not published.",
    }
    assert_hidden(view, "FB-MUST", "FB-ADV", "FB-OTHER", "REPORT_AS_VOICE")


def test_to_spec_round_trips(parse, roundtrip):
    q = parse(Highlight, spec())
    assert roundtrip(q) == q
    bare = parse(Highlight, spec(paragraphs=None, distractors=None, otherwise=None))
    assert roundtrip(bare) == bare
    assert set(bare.to_spec()) == {"id", "type", "skill", "prompt", "sentences", "explanation"}


def test_template_renders_paragraphs_of_labelled_checkboxes(parse, article, render):
    q = parse(Highlight, spec())
    html = render(q)
    assert html.count('class="para"') == 2
    assert "¶2" in html and "¶3" in html and "¶1" not in html
    assert html.count('type="checkbox"') == 5
    assert re.search(
        r'<label for="sentences-p3-s2">The agency’s figures were not published\.</label>', html
    )
    assert "FB-" not in html
    response = {"sentences": ["p2-s2", "p3-s1"]}
    html = render(q, response, q.grade(response, article), locked=True)
    assert html.count("checked") == 2
    assert "chosen right" in html and "chosen wrong" in html and "missed" in html


def test_key_and_misconception_forms(parse, article):
    q = parse(Highlight, spec())
    assert q.key_form({}) == {"sentences": ["p2-s2", "p3-s3"]}
    assert q.grade(q.read_response(q.key_form({})), article).fraction == 1.0
    form, code = q.misconception_form({})
    assert (form, code) == ({"sentences": ["p3-s1"]}, "REPORT_AS_VOICE")
    assert q.grade(q.read_response(form), article).misconception == code
    assert parse(Highlight, spec(distractors=None)).misconception_form({}) is None


def test_describe_names_sentences_by_their_words(parse, article):
    """Students read the ticked sentences by their words; the summary keeps the ids
    for reports and CSV (issue #17, item 4)."""
    q = parse(Highlight, spec())
    response = {"sentences": ["p3-s3", "p2-s2"]}
    said = q.describe(response, article)
    assert said == "¶2 “Stakeholders must act now.”; ¶3 “A balanced approach is vital.”"
    assert q.summarise(response, article) == "p2-s2, p3-s3"


def test_one_ticked_sentence_is_a_complete_answer(parse):
    """The question states no count, so any ticked sentence makes a complete answer
    (issue #17, item 2: complete once anything is chosen)."""
    q = parse(Highlight, spec())
    one = q.read_response({"sentences": ["p2-s2"]})
    assert q.incomplete(one) is None and q.is_complete(one)
