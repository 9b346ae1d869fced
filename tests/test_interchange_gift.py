"""Moodle GIFT in and out (issue #21): the reader follows Moodle's importer feature by
feature, maps onto our types through the bank's one validation path, and the round
trip GIFT -> bank -> GIFT -> bank is stable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from quiz.domain.banks import parse_bank
from quiz.interchange import gift
from quiz.interchange.cli import export_gift_command, import_gift_command
from quiz.interchange.common import dump_yaml
from tests.conftest import SHIPPED_BANKS, make_app

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


# -- onto our types --------------------------------------------------------------------


def test_types_map_onto_ours_and_what_changed_is_said():
    result = _import(FEATURES.read_text())
    assert result.errors == [] and result.document is not None
    spec = {q["id"]: q for q in result.document["questions"]}
    types = {k: v["type"] for k, v in spec.items()}
    assert types["mc-one"] == "single" and types["mc-weights"] == "multiple"
    assert types["tf-true"] == "single" and types["short"] == "text"
    assert types["num-tol"] == "numeric" and types["match"] == "classify"
    assert spec["mc-partial"]["options"][1]["credit"] == 0.5
    assert spec["short-wrong"]["wrong"] == [{"text": "numerator", "feedback": "That is the top."}]
    assert spec["num-several"]["otherwise"] == "Look it up."
    # categories become skills (the last part of the path)
    assert result.document["skills"] == {"Percentages": "Percentages", "Words": "Words"}
    assert spec["short"]["skill"] == "Words"
    # the matching items are sentences of the article; the answers are categories
    assert result.document["categories"] == {"Italy": "Italy", "France": "France"}
    assert "Paris is on the Seine." in result.document["article"]["text"]
    assert any("became a classify question" in n for n in result.notes)
    assert any("mc-weights" in n and "our rule" in n for n in result.notes)
    # what the file did not give (feedback, explanation) is filled and said
    assert spec["fill"]["explanation"] == "The answer: entombed."
    assert spec["fill"]["options"][0]["feedback"] == gift.WRONG


def test_an_imported_bank_says_it_has_no_article():
    result = _import("::a::Q {T}")
    assert result.document is not None
    assert result.document["skills"] == {"imported": "Imported questions"}
    assert result.document["article"]["title"] == "No article yet"
    assert "has no article yet" in result.document["article"]["text"]


def test_essay_and_description_are_listed_and_imported_only_when_skipped():
    text = (DATA / "unsupported.gift").read_text()
    refused = _import(text)
    assert refused.document is None
    assert [e.split(": ")[0] for e in refused.errors] == ["t.gift:1", "t.gift:3"]
    assert "--skip-unsupported" in refused.errors[0]
    skipped = _import(text, skip_unsupported=True)
    assert skipped.document is not None and len(skipped.document["questions"]) == 1
    assert [s.split(": ")[0] for s in skipped.skipped] == ["t.gift:1", "t.gift:3"]


# -- export and the round trip ---------------------------------------------------------


def _roundtrip(document: dict) -> tuple[dict, dict, str]:
    bank, errors = parse_bank(dump_yaml(document), "one.yaml")
    assert bank is not None, errors
    text, skipped = gift.export_gift(bank)
    again = gift.import_gift(text.encode(), "t.gift")[1]
    assert again.errors == [], (again.errors, text)
    assert again.document is not None
    return document, again.document, text


def _content(doc: dict) -> dict:
    return {k: doc[k] for k in ("article", "skills", "questions") if k in doc} | {
        "categories": doc.get("categories")
    }


def test_round_trip_of_the_feature_corpus_is_stable():
    first = _import(FEATURES.read_text()).document
    assert first is not None
    bank1, bank2, text = _roundtrip(first)
    assert _content(bank2) == _content(bank1)
    _, bank3, text2 = _roundtrip(bank2)
    assert text2 == text and _content(bank3) == _content(bank2)


def test_the_shipped_bank_exports_what_gift_carries_and_lists_the_rest():
    bank, _ = parse_bank((SHIPPED_BANKS / "ice-assaults-500.yaml").read_text(), "ice.yaml")
    assert bank is not None
    text, skipped = gift.export_gift(bank)
    kinds = {q.id: q.type for q in bank.questions}
    listed = {s.split()[1] for s in skipped}
    assert {q for q, t in kinds.items() if t == "highlight"} <= listed
    assert all("GIFT" in s or "Moodle" in s for s in skipped)
    second = gift.import_gift(text.encode(), "t.gift")[1]
    assert second.errors == [], second.errors
    assert second.document is not None
    exported = [q for q in bank.questions if q.id not in listed]
    assert [q["id"] for q in second.document["questions"]] == [q.id for q in exported]
    _, third, _ = _roundtrip(second.document)
    assert _content(third) == _content(second.document)


def test_export_escapes_every_reserved_character():
    assert gift.escape("a{b}c~d=e#f:g\\h\ni") == "a\\{b\\}c\\~d\\=e\\#f\\:g\\\\h\\ni"


# -- the commands ----------------------------------------------------------------------


def test_import_gift_json_in_moodles_terms(tmp_path):
    out = tmp_path / "bank.yaml"
    result = CliRunner().invoke(import_gift_command, [str(FEATURES), "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["errors"] == []
    first = report["questions"][0]
    assert set(first) == {
        "qtype",
        "name",
        "questiontext",
        "single",
        "answers",
        "subquestions",
        "generalfeedback",
        "category",
        "questiontext_format",
    }
    assert set(first["answers"][0]) == {"text", "fraction", "feedback", "tolerance"}
    assert {q["qtype"] for q in report["questions"]} == {
        "multichoice",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
    }
    written, errors = parse_bank(out.read_text(), "bank.yaml")
    assert written is not None, errors
    assert "no article" in result.stderr


def test_import_gift_error_exits_1_with_file_line(tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text("::a::Q {T}\n\n::b::Q {~%33.3%x =y}\n")
    result = CliRunner().invoke(import_gift_command, [str(bad), "--json"])
    assert result.exit_code == 1
    assert f"{bad}:3: Grades (0.333) do not match grade options" in result.stderr
    assert json.loads(result.stdout)["errors"][0]["line"] == 3
    assert "Nothing was imported." in result.stderr and "Traceback" not in result.output


def test_export_gift_command_and_the_bank_group(tmp_path):
    out = tmp_path / "ice.gift"
    bank = SHIPPED_BANKS / "ice-assaults-500.yaml"
    result = CliRunner().invoke(export_gift_command, [str(bank), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not exported: question" in result.stderr
    assert out.read_text().count("::") >= 10
    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path)
    helped = app.test_cli_runner().invoke(args=["bank", "import-gift", "--help"])
    assert helped.exit_code == 0 and "--skip-unsupported" in helped.output


def test_yaml_is_written_as_a_bank_file():
    document = _import("::a::Q {T}").document
    assert document is not None
    assert yaml.safe_load(dump_yaml(document))["questions"][0]["id"] == "a"


def test_export_lists_what_gift_would_misread_and_keeps_a_leading_percent():
    document = _import("::a::Q {T}").document
    assert document is not None
    document["questions"] = [
        {
            "id": "pct",
            "type": "single",
            "skill": "imported",
            "prompt": "Which?",
            "options": [
                {"text": "%50 of them", "correct": True, "feedback": "Yes."},
                {"text": "%20 of them", "feedback": "No."},
            ],
            "explanation": "Half.",
        },
        {
            "id": "all-right",
            "type": "single",
            "skill": "imported",
            "prompt": "Either?",
            "options": [
                {"text": "a", "correct": True, "feedback": "Yes."},
                {"text": "b", "correct": True, "feedback": "Yes."},
            ],
            "explanation": "Both.",
        },
        {
            "id": "star",
            "type": "text",
            "skill": "imported",
            "prompt": "Type 5*3",
            "answers": [{"text": "5*3", "feedback": "Yes."}],
            "explanation": "As typed.",
        },
    ]
    bank, errors = parse_bank(dump_yaml(document), "x.yaml")
    assert bank is not None, errors
    text, skipped = gift.export_gift(bank)
    assert [s.split()[1] for s in skipped] == ["all-right", "star"]
    again = gift.import_gift(text.encode(), "t.gift")[1]
    assert again.document is not None, again.errors
    options = again.document["questions"][0]["options"]
    assert [(o["text"], o.get("correct", False)) for o in options] == [
        ("%50 of them", True),
        ("%20 of them", False),
    ]


def test_an_output_that_cannot_be_written_is_one_line_and_exit_1(tmp_path):
    out = tmp_path / "no" / "such" / "dir" / "bank.yaml"
    result = CliRunner().invoke(import_gift_command, [str(FEATURES), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{out}: cannot be written" in result.stderr and "Traceback" not in result.output
    missing = CliRunner().invoke(import_gift_command, [str(tmp_path / "none.gift")])
    assert missing.exit_code == 1 and "cannot be read" in missing.stderr
