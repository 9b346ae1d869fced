"""``classify``: one category per quoted sentence, per-sentence partial credit."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from quiz.questions.base import Unreadable
from quiz.questions.classify import Classify, sentence_label, sentence_order


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "skill": "reporting",
        "sentences": [
            {
                "quote": "DHS recently disclosed",
                "category": "attributed",
                "feedback": "FB-1: DHS is named as the source.",
                "misconception": "REPORT_AS_VOICE",
            },
            {
                "quote": "Officials in the U.S. capital called the trend alarming.",
                "category": "attributed",
                "feedback": "FB-2: the officials are speaking.",
            },
            {
                "quote": "results from a confluence",
                "category": "analysis",
                "feedback": "FB-3: nobody is named.",
            },
            {"quote": "Stakeholders must act", "category": "advocacy", "feedback": "FB-4: must."},
        ],
    }
    data.update(overrides)
    return data


def test_parses_quotes_to_sentence_ids(parse):
    q = parse(Classify, spec())
    assert [s.sentence for s in q.sentences] == ["p1-s1", "p1-s2", "p2-s1", "p2-s2"]
    assert [k for k, _ in q.categories] == ["attributed", "analysis", "advocacy"]
    assert q.categories_listed is False


def test_a_quote_with_straight_apostrophe_matches_curly(parse):
    q = parse(
        Classify,
        spec(
            sentences=[
                {"quote": "The agency's figures", "category": "analysis", "feedback": "f"},
                {"quote": "balanced approach", "category": "advocacy", "feedback": "g"},
            ]
        ),
    )
    assert [s.sentence for s in q.sentences] == ["p3-s2", "p3-s3"]


def test_categories_can_be_limited(parse, article):
    q = parse(
        Classify,
        spec(
            categories=["advocacy", "attributed"],
            sentences=[
                {"quote": "DHS recently", "category": "attributed", "feedback": "f"},
                {"quote": "Stakeholders must", "category": "advocacy", "feedback": "g"},
            ],
        ),
    )
    view = q.student_view({}, article)
    assert view["categories"] == [
        {"key": "advocacy", "label": "Advocacy"},
        {"key": "attributed", "label": "Attributed reporting"},
    ]
    assert q.random_guess_score() == 0.5


def _sentences(*items: dict[str, Any]) -> list[dict[str, Any]]:
    base = {"quote": "Stakeholders must act", "category": "advocacy", "feedback": "f"}
    return [*items, base]


@pytest.mark.parametrize(
    ("overrides", "path", "message"),
    [
        ({"sentences": None}, ("sentences",), "is required"),
        ({"sentences": _sentences()}, ("sentences",), "at least two"),
        ({"categories": ["advocacy", "gossip"]}, ("categories", 1), "unknown category 'gossip'"),
        ({"categories": ["advocacy", "advocacy"]}, ("categories", 1), "listed twice"),
        ({"categories": ["advocacy"]}, ("categories",), "at least two"),
        (
            {
                "sentences": _sentences(
                    {"quote": "not in the article", "category": "advocacy", "feedback": "f"}
                )
            },
            ("sentences", 0, "quote"),
            "not found in the article",
        ),
        (
            {"sentences": _sentences({"quote": "the", "category": "advocacy", "feedback": "f"})},
            ("sentences", 0, "quote"),
            "several sentences",
        ),
        (
            {
                "sentences": _sentences(
                    {"quote": "Stakeholders", "category": "advocacy", "feedback": "f"}
                )
            },
            ("sentences", 1, "quote"),
            "already quoted",
        ),
        (
            {
                "sentences": _sentences(
                    {"quote": "DHS recently", "category": "gossip", "feedback": "f"}
                )
            },
            ("sentences", 0, "category"),
            "unknown category 'gossip'",
        ),
        (
            {"sentences": _sentences({"quote": "DHS recently", "feedback": "f"})},
            ("sentences", 0, "category"),
            "is required",
        ),
        (
            {
                "sentences": _sentences(
                    {"quote": "DHS recently", "category": "attributed", "feedback": ["f"]}
                )
            },
            ("sentences", 0, "feedback"),
            "must be text",
        ),
        (
            {
                "categories": ["attributed", "analysis"],
                "sentences": [
                    {"quote": "DHS recently", "category": "attributed", "feedback": "f"},
                    {"quote": "Stakeholders must", "category": "advocacy", "feedback": "g"},
                ],
            },
            ("sentences", 1, "category"),
            "this question's: attributed, analysis",
        ),
    ],
)
def test_reports_each_problem_with_its_path(problems, overrides, path, message):
    found = problems(Classify, spec(**overrides))
    assert any(p == path and message in m for p, m in found), found


def test_a_bank_without_categories_is_reported(problems, make_ctx):
    found = problems(Classify, spec(), make_ctx(categories={}))
    assert any(p == ("categories",) for p, _ in found), found


def test_read_response(parse):
    q = parse(Classify, spec())
    assert q.read_response({}) is None
    assert q.read_response({"label-p1-s1": [""]}) is None
    partial = q.read_response({"label-p1-s1": ["attributed"], "label-p9-s9": ["advocacy"]})
    assert partial == {"labels": {"p1-s1": "attributed"}}
    assert q.is_complete(partial) is False
    full = {f"label-{s.sentence}": ["advocacy"] for s in q.sentences}
    assert q.is_complete(q.read_response(full)) is True
    # The message names the sentence by its words, not its id (issue #17, item 4).
    with pytest.raises(Unreadable, match="“results from a confluence”") as raised:
        q.read_response({"label-p1-s1": ["attributed"], "label-p2-s1": ["gossip"]})
    assert "p2-s1" not in str(raised.value)


def test_incomplete_says_how_many_are_labelled(parse):
    """Moodle's is_complete_response: a classify answer with sentences unlabelled is
    incomplete, and says how far it got (issue #17, item 2)."""
    q = parse(Classify, spec())
    two = q.read_response({"label-p1-s1": ["attributed"], "label-p2-s2": ["advocacy"]})
    assert q.incomplete(two) == "2 of 4 labelled"
    assert q.is_complete(two) is False
    full = q.read_response({f"label-{s.sentence}": ["advocacy"] for s in q.sentences})
    assert q.incomplete(full) is None and q.is_complete(full) is True
    assert q.incomplete(None) is None  # nothing given: unanswered, not incomplete


def test_describe_names_sentences_by_their_words(parse, article):
    """Students read the sentence, shortened, with its paragraph; the stored summary
    (reports, CSV) keeps the ids (issue #17, item 4)."""
    q = parse(Classify, spec())
    response = {"labels": {"p2-s2": "advocacy", "p1-s1": "analysis"}}
    said = q.describe(response, article)
    assert said == (
        "¶1 “DHS recently disclosed a 500% increase in assaults…”: Unattributed analysis; "
        "¶2 “Stakeholders must act now.”: Advocacy"
    )
    assert "p1-s1" not in said
    assert q.summarise(response, article) == "p1-s1: Unattributed analysis; p2-s2: Advocacy"


def test_grade(parse, article):
    q = parse(Classify, spec())
    response = {"labels": {"p2-s2": "advocacy", "p1-s1": "analysis", "p2-s1": "analysis"}}
    g = q.grade(response, article)
    assert g.fraction == pytest.approx(2 / 4)
    assert g.verdict == "partial"
    lines = {f.about: f for f in g.feedback}
    assert lines["p2-s2"].verdict == "right" and lines["p2-s2"].text == "FB-4: must."
    wrong = lines["p1-s1"]
    assert wrong.verdict == "wrong"
    assert "Attributed reporting" in wrong.text and "Unattributed analysis" in wrong.text
    assert wrong.text.endswith("FB-1: DHS is named as the source.")
    unlabelled = lines["p1-s2"]
    assert unlabelled.verdict == "wrong" and "unlabelled" in unlabelled.text
    assert g.misconceptions == ("REPORT_AS_VOICE",)
    assert g.classification == "p1-s1=analysis;p2-s1=analysis;p2-s2=advocacy"
    assert g.summary == (
        "p1-s1: Unattributed analysis; p2-s1: Unattributed analysis; p2-s2: Advocacy"
    )
    perfect = {s.sentence: s.category for s in q.sentences}
    assert q.grade({"labels": perfect}, article).fraction == 1.0
    assert q.right_answer(article) == (
        "¶1 “DHS recently disclosed a 500% increase in assaults…”: Attributed reporting; "
        "¶1 “Officials in the U.S. capital called the trend…”: Attributed reporting; "
        "¶2 “The rise results from a confluence of factors.”: Unattributed analysis; "
        "¶2 “Stakeholders must act now.”: Advocacy"
    )
    assert q.random_guess_score() == pytest.approx(1 / 3)


def test_unlabelled_is_not_a_misconception(parse, article):
    q = parse(Classify, spec())
    assert q.grade({"labels": {"p2-s2": "advocacy"}}, article).misconceptions == ()


def test_sentence_order_is_reading_order():
    ids = ["p10-s1", "p2-s10", "p2-s2", "p1-s1"]
    assert sorted(ids, key=sentence_order) == ["p1-s1", "p2-s2", "p2-s10", "p10-s1"]


def test_student_view_hides_the_key(parse, article, assert_hidden):
    q = parse(Classify, spec())
    view = q.student_view(q.new_state(random.Random(1)), article)
    assert [s["id"] for s in view["sentences"]] == ["p1-s1", "p1-s2", "p2-s1", "p2-s2"]
    assert (
        view["sentences"][1]["text"] == "Officials in the U.S. capital called the trend alarming."
    )
    assert_hidden(view, "FB-1", "FB-3", "REPORT_AS_VOICE")
    assert q.new_state(random.Random(1)) == {}


def test_to_spec_round_trips(parse, roundtrip):
    q = parse(Classify, spec())
    assert roundtrip(q) == q
    assert "categories" not in q.to_spec()
    limited = parse(Classify, spec(categories=["advocacy", "analysis", "attributed"]))
    assert roundtrip(limited) == limited
    assert limited.to_spec()["categories"] == ["advocacy", "analysis", "attributed"]


def test_template_nests_a_fieldset_per_sentence(parse, article, render):
    q = parse(Classify, spec())
    html = render(q)
    assert html.count("<fieldset") == 4
    assert html.count('type="radio"') == 4 * 3
    legends = re.findall(r"<legend>(.*?)</legend>", html, re.S)
    sentence = "Officials in the U.S. capital called the trend alarming."
    # The legend is the sentence and its paragraph, never its id.
    assert f'{sentence} <small class="sentence-id">(paragraph 1)</small>' in legends
    assert not any("p1-s2" in legend for legend in legends)
    assert 'name="label-p2-s1"' in html
    assert "FB-" not in html
    response = {"labels": {"p1-s1": "analysis", "p2-s2": "advocacy"}}
    html = render(q, response, q.grade(response, article), locked=True)
    assert html.count("checked") == 2
    assert 'class="sentence wrong" id="sentence-p1-s1"' in html
    assert 'class="sentence right" id="sentence-p2-s2"' in html


def test_key_and_misconception_forms(parse, article):
    q = parse(Classify, spec())
    key = q.key_form({})
    assert key["label-p2-s2"] == ["advocacy"]
    assert q.grade(q.read_response(key), article).fraction == 1.0
    form, code = q.misconception_form({})
    g = q.grade(q.read_response(form), article)
    assert g.fraction == 0.75 and g.misconception == code == "REPORT_AS_VOICE"
    bare = parse(
        Classify, spec(sentences=[dict(s, misconception=None) for s in spec()["sentences"]])
    )
    assert bare.misconception_form({}) is None


def test_sentence_label(article):
    assert sentence_label(article, "p3-s2", words=3) == "¶3 “The agency’s figures…”"
    assert sentence_label(article, "p2-s2") == "¶2 “Stakeholders must act now.”"
    assert sentence_label(article, "p9-s9") == "p9-s9"


def test_refers_to_nothing_its_inputs_show_the_sentences(parse, article):
    from dataclasses import replace

    q = replace(parse(Classify, spec()), prompt="Label “Stakeholders must act now.”")
    assert q.refers_to(article) == ()
