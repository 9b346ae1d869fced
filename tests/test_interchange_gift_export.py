"""Moodle GIFT onto our types and back (issue #21): questions map through the bank's
one validation path, the round trip GIFT -> bank -> GIFT -> bank is stable, and the
commands report every problem with its line. Reading is in test_interchange_gift."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from quiz.domain.banks import parse_bank
from quiz.interchange import gift
from quiz.interchange.cli import export_gift_command, import_gift_command
from quiz.interchange.common import dump_yaml
from tests.conftest import SHIPPED_BANKS, make_app
from tests.test_interchange_gift import DATA, FEATURES, _import

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
