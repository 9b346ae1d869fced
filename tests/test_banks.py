import json
from pathlib import Path

import pytest
import yaml

from quiz.domain.banks import check_paths, parse_bank
from quiz.questions import TYPES

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good" / "minimal.yaml"
BROKEN = DATA / "broken"
SHIPPED = Path(__file__).resolve().parent.parent / "question_banks"


def test_good_bank_loads():
    banks, errors = check_paths([GOOD])
    assert errors == []
    (bank,) = banks
    assert bank.id == "minimal"
    assert [q.id for q in bank.questions] == ["q-single", "q-classify"]
    assert bank.summary()["types"] == {"single": 1, "classify": 1}


# file, line, question, field, words in the message
CASES = [
    (
        "quote-not-in-article.yaml",
        39,
        "q-classify",
        "sentences[1].quote",
        "not found in the article",
    ),
    ("quote-ambiguous.yaml", 18, "q-classify", "sentences[0].quote", "matches several sentences"),
    ("unknown-type.yaml", 20, "q-single", "type", "unknown type 'singular'"),
    ("unknown-skill.yaml", 21, "q-single", "skill", "unknown skill 'percentages'"),
    ("unknown-category.yaml", 40, "q-classify", "sentences[1].category", "opinion"),
    ("no-correct-option.yaml", 23, "q-single", "options", "no option is correct"),
    ("numeric-no-accepted-value.yaml", 10, "q-numeric", "answers", ""),
    ("duplicate-id.yaml", 31, "q-single", "id", "duplicate question id"),
    (
        "unknown-misconception.yaml",
        29,
        "q-single",
        "options[1].misconception",
        "unknown misconception",
    ),
    ("yaml-syntax.yaml", 5, None, "yaml", "starts on line 4"),
    ("misspelt-field.yaml", 22, "q-single", "shufle", "unknown field"),
]


@pytest.mark.parametrize(("name", "line", "question", "field", "words"), CASES)
def test_each_broken_file_is_reported_with_its_place(name, line, question, field, words):
    banks, errors = check_paths([BROKEN / name], display_root=DATA)
    assert banks == []
    assert errors, name
    first = errors[0]
    assert first.file == f"broken/{name}"
    assert (first.line, first.question, first.field) == (line, question, field), str(first)
    assert words in first.message


def test_problem_format():
    _banks, errors = check_paths([BROKEN / "unknown-skill.yaml"], display_root=DATA)
    assert str(errors[0]).startswith(
        "broken/unknown-skill.yaml:21: question q-single: skill: unknown skill 'percentages'"
    )


def test_every_problem_is_reported_not_just_the_first():
    text = (
        GOOD.read_text()
        .replace("skill: percent\n", "skill: nope\n")
        .replace("category: advocacy", "category: nope")
    )
    bank, errors = parse_bank(text, "x.yaml")
    assert bank is None
    assert {e.field for e in errors} == {"skill", "sentences[1].category"}


def test_duplicate_bank_ids_across_files(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD.read_text())
    (tmp_path / "b.yaml").write_text(GOOD.read_text())
    banks, errors = check_paths([tmp_path], display_root=tmp_path)
    assert len(banks) == 1
    assert errors[0].file == "b.yaml" and "also in a.yaml" in errors[0].message


def test_not_a_mapping_and_empty_file(tmp_path):
    for text in ("- just\n- a list\n", ""):
        bank, errors = parse_bank(text, "x.yaml")
        assert bank is None and errors and "mapping" in errors[0].message


def test_duplicate_yaml_key_is_an_error():
    text = GOOD.read_text().replace("title: A minimal bank\n", "title: A\ntitle: B\n")
    bank, errors = parse_bank(text, "x.yaml")
    assert bank is None
    assert errors[0].field == "title" and errors[0].message == "duplicate key"


def test_unsafe_yaml_tags_are_refused():
    bank, errors = parse_bank("!!python/object/apply:os.system ['true']\n", "x.yaml")
    assert bank is None and errors[0].field == "yaml"


def test_a_misspelt_field_is_named_with_the_fields_that_exist_there():
    """A field the question's type never reads (a typo) is an error, not silently
    ignored, at any depth; the message lists the fields read at that place."""
    _banks, errors = check_paths([BROKEN / "misspelt-nested-field.yaml"], display_root=DATA)
    found = {(e.line, e.field): e.message for e in errors}
    message = found[(28, "options[1].feedbak")]
    assert message.startswith("unknown field") and "feedback" in message and "text" in message
    _banks, errors = check_paths([BROKEN / "misspelt-field.yaml"], display_root=DATA)
    assert [e.field for e in errors] == ["shufle"] and "shuffle" in errors[0].message


def test_a_misspelt_article_field_is_named(tmp_path):
    text = GOOD.read_text().replace("  source:", "  sorce:", 1)
    assert "sorce:" in text
    bank, errors = parse_bank(text, "x.yaml")
    assert bank is None
    assert [(e.field, e.line) for e in errors] == [("article.sorce", 5)]
    assert "title, source, text" in errors[0].message


def test_every_type_written_back_loads_again_with_no_unknown_field(tmp_path):
    """What the web editor and the bank download write (``to_spec``) reads back
    through the whole bank parser, every type and every optional field included."""
    raw = yaml.safe_load((SHIPPED / "ice-assaults-500.yaml").read_text())
    (shipped,) = check_paths([SHIPPED / "ice-assaults-500.yaml"])[0]
    types = {q.type for q in shipped.questions}
    assert types == set(TYPES)  # the shipped bank shows every type
    raw["questions"] = [q.to_spec() for q in shipped.questions]
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    again, errors = parse_bank(text, "again.yaml")
    assert errors == [] and again is not None
    assert again.questions == shipped.questions


def test_round_trip_through_spec_is_stable():
    (bank,) = check_paths([GOOD])[0]
    for q in bank.questions:
        again = type(q).from_spec(q.to_spec(), _common(q), bank.context())
        assert again == q


def _common(q):
    return {
        "id": q.id,
        "skill": q.skill,
        "prompt": q.prompt,
        "explanation": q.explanation,
        "points": q.points,
        "shuffle": q.shuffle,
    }


# -- the shipped bank --------------------------------------------------------------


def test_shipped_bank_meets_the_brief(shipped_banks):
    bank = next(b for b in shipped_banks if b.id == "ice-assaults-500")
    summary = bank.summary()
    assert summary["questions"] >= 30
    for skill in ("percent", "baseline", "reporting"):
        assert summary["skills"].get(skill, 0) >= 10, summary
    for qtype in TYPES:
        assert summary["types"].get(qtype, 0) >= 2, summary
    for q in bank.questions:
        assert q.explanation.strip(), q.id
    codes = {
        code
        for q in bank.questions
        for item in _items(q.to_spec())
        if (code := item.get("misconception"))
    }
    assert {"MULT_OFFBYONE", "WRONG_DENOM", "PP_VS_PCT", "OVERSKEPTIC"} <= codes


def test_shipped_bank_gives_feedback_for_every_option_and_value(shipped_banks):
    for bank in shipped_banks:
        for q in bank.questions:
            for item in _items(q.to_spec()):
                assert str(item.get("feedback", "")).strip(), (q.id, item)


def _items(spec):
    for key in ("options", "answers", "wrong", "sentences", "distractors"):
        yield from spec.get(key, [])


# -- the command --------------------------------------------------------------------


def test_cli_check_ok_and_json(runner):
    result = runner.invoke(args=["bank", "check", str(SHIPPED), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["errors"] == []
    (bank,) = report["banks"]
    assert set(bank) == {"file", "id", "title", "questions", "drafts", "skills", "types", "checks"}
    assert bank["questions"] >= 30
    assert isinstance(report["warnings"], list)


def test_cli_check_reports_and_exits_1(runner):
    result = runner.invoke(args=["bank", "check", str(BROKEN / "unknown-type.yaml")])
    assert result.exit_code == 1
    assert "unknown-type.yaml:20: question q-single: type: unknown type 'singular'" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(args=["bank", "check", "--json", str(BROKEN)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert len({e["file"] for e in report["errors"]}) == len(list(BROKEN.glob("*.yaml")))
    assert set(report["errors"][0]) == {"file", "line", "question", "field", "message"}


def test_feedback_and_explanation_are_optional_and_students_read_a_generic_line():
    """A bank file may leave out an explanation and the feedback of any answer (issue #17,
    item 5): it loads, and a student graded on a bare option reads what the verdict is."""
    banks, errors = check_paths([DATA / "good" / "no-explanation.yaml"], display_root=DATA)
    assert errors == [] and len(banks) == 1
    (q,) = [q for q in banks[0].questions if q.id == "q-classify"]
    assert q.explanation == ""
    data = yaml.safe_load(GOOD.read_text())
    single = next(q for q in data["questions"] if q["type"] == "single")
    for option in single["options"]:
        del option["feedback"]
    del single["explanation"]
    bank, errors = parse_bank(yaml.safe_dump(data, allow_unicode=True), "bare.yaml")
    assert errors == [] and bank is not None
    q = next(q for q in bank.questions if q.id == single["id"])
    right = next(o for o in q.options if o.credit == 1)
    wrong = next(o for o in q.options if o.credit < 1)
    (line,) = q.grade({"choice": wrong.id}, bank.article).feedback
    assert (line.text, line.verdict) == ("That is not right.", "wrong")
    (line,) = q.grade({"choice": right.id}, bank.article).feedback
    assert (line.text, line.verdict) == ("That is right.", "right")


def test_ids_codes_and_keys_are_bounded_by_the_columns_that_hold_them():
    """PostgreSQL refuses a value longer than its column (HTTP 500 found by the hunting suite);
    SQLite stored it. The bank refuses it first, on both, with the field named."""
    from tests.bank_check_data import bank_data, load, loaded, question

    assert loaded(bank_data(id="b" * 100))
    data = bank_data(id="b" * 101)
    question(data, "q-single")["id"] = "q" * 101
    data["skills"]["s" * 51] = "Too long a key"
    data["misconceptions"]["M" * 61] = "Too long a code"
    _, errors = load(data)
    fields = {(e.question, e.field): e.message for e in errors}
    assert "at most 100 characters" in fields[(None, "id")]
    assert "at most 100 characters" in fields[("q" * 101, "id")]
    assert "at most 50 characters" in fields[(None, f"skills.{'s' * 51}")]
    assert "at most 60 characters" in fields[(None, f"misconceptions.{'M' * 61}")]
    trailing = bank_data()
    question(trailing, "q-single")["id"] = "q-single\n"  # `$` would have matched before it
    _, errors = load(trailing)
    assert [e.field for e in errors if e.field == "id"] == ["id"]
