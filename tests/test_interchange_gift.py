"""Moodle GIFT read (issue #21): the reader follows Moodle's importer feature by
feature, and reports every error with its line where Moodle would misread. Mapping
onto our types, export and the commands are in test_interchange_gift_export."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.interchange import gift

DATA = Path(__file__).parent / "data" / "gift"
FEATURES = DATA / "features.gift"


def _read(name: str) -> gift.GiftRead:
    read, errors = gift.read_gift_bytes((DATA / name).read_bytes(), name)
    assert errors == []
    return read


def _questions(name: str = "features.gift") -> dict[str, gift.GiftQuestion]:
    return {q.name or "": q for q in _read(name).questions}


def _import(text: str, **kw: object) -> gift.Imported:
    return gift.import_gift(text.encode(), "t.gift", **kw)[1]  # type: ignore[arg-type]


def _answers(q: gift.GiftQuestion) -> list[tuple[str, float, str]]:
    return [(a.text, a.fraction, a.feedback) for a in q.answers]


# -- reading, Moodle's way -------------------------------------------------------------


def test_multichoice_one_answer_with_feedback_and_general_feedback():
    q = _questions()["mc-one"]
    assert (q.qtype, q.single, q.line, q.category) == (
        "multichoice",
        True,
        7,
        "$course$/top/Percentages",
    )
    assert q.questiontext == "Who's buried in Grant's tomb?"
    assert _answers(q) == [
        ("Grant", 0.0, "No, he is in a crypt."),
        ("Jefferson", 0.0, ""),
        ("no one", 1.0, "Right: he is entombed."),
    ]
    assert q.generalfeedback == "Grant is entombed, not buried."


def test_multichoice_several_answers_with_weights_snapped_to_moodles_grades():
    qs = _questions()
    weights = qs["mc-weights"]
    assert not weights.single
    assert [a.fraction for a in weights.answers] == [0.5, 0.5, -1.0]
    thirds = qs["mc-thirds"]
    assert [a.fraction for a in thirds.answers] == [0.3333333, 0.3333333, 0.3333333, -1.0]
    partial = qs["mc-partial"]
    assert partial.single and [a.fraction for a in partial.answers] == [1.0, 0.5, 0.0]


def test_fill_in_the_blank_becomes_a_gap():
    q = _questions()["fill"]
    assert q.questiontext == "Grant is _____ in Grant's tomb."
    assert [a.text for a in q.answers if a.fraction == 1] == ["entombed"]


def test_true_false_in_every_spelling_with_both_feedbacks():
    qs = _questions()
    assert [a.fraction for a in qs["tf-true"].answers] == [1.0, 0.0]
    false = qs["tf-false"]
    # Moodle: the first feedback is for a wrong answer, the second for the right one
    assert _answers(false) == [("true", 0.0, "No: it is rock."), ("false", 1.0, "Yes, it is rock.")]
    assert false.questiontext_format == "markdown"
    word = qs["tf-word"]
    assert _answers(word) == [("true", 1.0, "Right."), ("false", 0.0, "Think again.")]
    assert word.generalfeedback == "Arithmetic."


def test_short_answer_several_accepted_and_partial_credit():
    q = _questions()["short"]
    assert (q.qtype, q.category) == ("shortanswer", "$course$/top/Reading/Words")
    assert _answers(q) == [
        ("no one", 1.0, ""),
        ("nobody", 1.0, "Also right."),
        ("Grant's wife", 0.5, "Half: she is there too."),
    ]


def test_numerical_every_form():
    qs = _questions()
    assert [(a.text, a.tolerance) for a in qs["num-tol"].answers] == [("1822", 5.0)]
    assert [(a.text, a.tolerance) for a in qs["num-range"].answers] == [("3.145", 0.005)]
    assert [(a.text, a.tolerance) for a in qs["num-neg"].answers] == [("-8", 0.0)]
    several = qs["num-several"]
    assert [(a.text, a.fraction, a.tolerance, a.feedback) for a in several.answers] == [
        ("1822", 1.0, 0.0, "Exactly."),
        ("1822", 0.5, 2.0, "Close."),
        ("*", 0.0, None, "Look it up."),
    ]
    assert _answers(qs["num-hash"]) == [("4", 1.0, "Four.")]


def test_matching_pairs():
    q = _questions()["match"]
    assert q.qtype == "matching" and not q.answers
    assert q.subquestions[1] == {"text": "Paris is on the Seine.", "answer": "France"}


def test_every_escape_and_a_url_that_is_not_a_comment():
    q = _questions()["escapes"]
    assert q.questiontext == (
        "A {brace}, a ~tilde~, a = sign, a # hash and a colon: all here.\n"
        "A new line, and a backslash \\ too."
    )
    assert _answers(q) == [("a # b", 1.0, "Feedback with = and {}.")]
    url = gift.read_gift("::u::See http://example.com/a // not a comment{T}")
    assert url.questions[0].questiontext == "See http://example.com/a // not a comment"


def test_format_prefixes_and_html_sanitised():
    qs = _questions()
    html = qs["[html]"]
    assert html.questiontext_format == "html"
    data = _import(FEATURES.read_text()).document
    assert data is not None
    spec = {q["id"]: q for q in data["questions"]}
    assert spec["html"]["prompt"] == "Which is **bold**?"  # <script> and its text gone
    assert [o["text"] for o in spec["html"]["options"]] == ["**this**", "*that*"]
    assert qs["plain"].questiontext_format == "plain"
    assert spec["plain"]["prompt"] == "Is 2\\*3 = 6 in \\*plain\\* text? Yes."
    unknown = qs["unknown-prefix"]  # as Moodle: the default format, the prefix kept
    assert (unknown.questiontext_format, unknown.questiontext) == (
        "moodle",
        "[foo] stays in the text.",
    )


def test_indentation_bom_crlf_cr_and_whitespace_only_separators():
    assert _questions()["indented"].questiontext == "This question is indented."
    read = _read("lineends.gift")
    assert [(q.name, q.qtype, q.line) for q in read.questions] == [
        ("bom", "truefalse", 1),
        ("cr", "truefalse", 3),
        ("ws", "multichoice", 6),
    ]


# -- errors as Moodle reports them, and where Moodle misreads --------------------------

ERRORS = [
    ("::a::Q {~%33.3%x =y}", "Grades (0.333) do not match grade options"),
    ("::a::Q {~%abc%x =y}", "answer weight %abc% is not a percentage"),
    ("::a::Q {=C# language#feedback ~Java}", "an unescaped # in an answer"),
    ("::a::Q {=x {y} ~z}", "an unescaped { inside the answers"),
    ("::a::Q {=x ~y} and {=z ~w}", "a second {...}"),
    ('::a::Q {=<span style="x">a</span> ~b}', "an HTML tag with = or #"),
    ("::a::Q {=x ~y", "Could not find {...} around answers"),
    ("$CATEGORY: top/A\n::a::Q {T}", "a $CATEGORY line must stand alone"),
    ("::a::Q {#abc}", "Error - answers must be numeric"),
    ("::a::Q {=a->b =c}", "Matching question answers are improperly formatted"),
    ("::a::Q {=%50%x ~y}", "write ~%50% for partial credit"),
    ("::a::Q {~x}", "There are not enough answers for this question type"),
    ("// only a comment\n", "There are no questions in the import file"),
    ("", "There are no questions in the import file"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_errors_as_moodle_reports_them(text, message):
    read = gift.read_gift(text)
    assert [m for _, m in read.errors if message in m], read.errors


def test_every_bad_question_is_listed_with_its_line_and_nothing_is_imported():
    text = "::ok::Fine {T}\n\n::a::\nQ {~%33.3%x =y}\n\n::b::Q {=x {y} ~z}\n\n::c::Q {#1:x}\n"
    result = _import(text)
    assert result.document is None
    lines = [e.split(":")[1] for e in result.errors]
    assert lines == ["4", "6", "8"], result.errors
    assert all(e.startswith("t.gift:") for e in result.errors)


def test_reading_errors_and_unsupported_questions_are_listed_together():
    result = _import("::a::Q {~%33.3%x =y}\n\n::b::Essay {}\n\n::c::Q {#x}\n")
    assert [e.split(": ")[0] for e in result.errors] == ["t.gift:1", "t.gift:3", "t.gift:5"]


def test_a_question_our_validation_refuses_is_an_error_at_its_gift_line():
    result = _import("::ok::Fine {T}\n\n\n::none::Nothing right {~a ~b}\n")
    assert result.document is None
    assert result.errors == [
        "t.gift:4: question none: options: no option is correct (mark at least one `correct: true`)"
    ]


def test_not_utf8_too_large_and_nul_are_refused_with_a_line():
    read, errors = gift.read_gift_bytes(b"::a::Q {T}\n\n::b::\xff\xfe {T}", "x.gift")
    assert errors == ["x.gift:3: not UTF-8 (byte 18); save the file as UTF-8"]
    _, errors = gift.read_gift_bytes(b"a" * (2 * 1024 * 1024 + 1), "x.gift")
    assert "larger than" in errors[0]
    _, errors = gift.read_gift_bytes(b"::a::Q {T}\n\x00", "x.gift")
    assert errors == ["x.gift:2: a NUL character: this is not a text file"]
