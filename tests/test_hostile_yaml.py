"""Hostile bank files: aliases that expand to a billion values, nesting 500 levels
deep, a value that contains itself. Each is refused before it is built, with its
line, on upload and by ``bank check``; memory stays small."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
import yaml

from quiz.domain import safe_yaml
from quiz.domain.banks import parse_bank
from quiz.web.cli import bank_cli
from tests.test_authoring import author, text_of
from tests.test_authoring_files import MINIMAL, _upload

# Nine aliases a level, nine levels: 9**9 (387 million) "lol"s, 342 bytes.
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8)
)
# 500 nested flow lists (1 KB), and 500 nested block mappings.
DEEP_FLOW = "[" * 500 + "]" * 500 + "\n"
DEEP_BLOCK = "".join(" " * i + f"k{i}:\n" for i in range(500)) + " " * 500 + "x\n"
SELF = "title: &t [1, 2, *t]\n"

CASES = [
    ("laughs", LAUGHS, 5, "more than 50,000 values"),
    ("deep-flow", DEEP_FLOW, 1, "nested more than 40 levels deep"),
    ("deep-block", DEEP_BLOCK, 41, "nested more than 40 levels deep"),
    ("self", SELF, 1, "inside the value it names"),
    ("list-key", "title: x\nskills:\n  [a]: b\n", 3, "a key must be text"),
    ("map-key", "{{}}\n", 1, "a key must be text"),
    ("digits", "title: x\npoints: " + "9" * 5000 + "\n", 2, "more than 100 digits"),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize(("text", "line", "message"), [c[1:] for c in CASES], ids=IDS)
def test_parse_bank_refuses_with_the_line(text: str, line: int, message: str) -> None:
    bank, errors = parse_bank(text, "hostile.yaml")
    assert bank is None and len(errors) == 1
    assert errors[0].line == line and message in errors[0].message


def test_the_billion_laughs_is_refused_in_little_memory_and_time() -> None:
    tracemalloc.start()
    try:
        bank, errors = parse_bank(LAUGHS, "laughs.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert bank is None and errors
    assert peak < 5_000_000


def test_any_file_under_the_upload_limit_stays_under_100_mb() -> None:
    """The largest files the upload takes, each built to cost the most memory a
    value: 256 K one-character values, and one 500 KB string aliased 100 times."""
    values = "[" + "0," * 255_000 + "0]\n"
    strings = "s: &s '" + "x" * 500_000 + "'\nt: [" + ", ".join(["*s"] * 100) + "]\n"
    for text in (values, strings):
        assert len(text.encode()) <= 512 * 1024
        tracemalloc.start()
        try:
            bank, errors = parse_bank(text, "big.yaml")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert bank is None and errors
        assert peak < 100_000_000, f"{peak / 1e6:.0f} MB"


def test_a_few_aliases_still_load() -> None:
    text = "a: &x {k: [1, 2]}\nb: *x\nc: *x\n"
    assert safe_yaml.load(text) == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": {"k": [1, 2]}}
    assert safe_yaml.load("") is None


def test_the_limit_error_is_a_yaml_error_with_a_mark() -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        safe_yaml.compose(DEEP_FLOW)
    assert isinstance(caught.value, safe_yaml.YAMLLimitError)
    assert caught.value.problem_mark.line == 0 and caught.value.problem_mark.column == 40


def test_the_shipped_bank_is_within_the_bounds(shipped_banks) -> None:
    assert shipped_banks


@pytest.mark.parametrize(("text", "message"), [(c[1], c[3]) for c in CASES], ids=IDS)
def test_upload_refuses_with_a_page_not_a_500(app, client, text: str, message: str) -> None:
    author(app, client)
    response = _upload(
        client, "/teacher/banks/upload", text.encode(), "hostile.yaml", "/teacher/banks/"
    )
    assert response.status_code == 422
    page = text_of(response)
    assert message in page and "Traceback" not in page


def test_bank_check_names_the_problem_without_a_traceback(app, tmp_path: Path) -> None:
    for name, text, _line, _message in CASES:
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "good.yaml").write_text(MINIMAL, encoding="utf-8")
    result = app.test_cli_runner().invoke(bank_cli, ["check", str(tmp_path)])
    assert result.exit_code == 1
    out = result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in out
    for name, _text, line, message in CASES:
        assert f"{name}.yaml:{line}" in out and message in out, out


def test_a_list_as_a_questions_skill_is_an_error_not_a_crash() -> None:
    """Found by mutating every value of a good bank into a list, a mapping, a number."""
    text = MINIMAL.replace("skill: percent", "skill: [percent]", 1)
    assert text != MINIMAL
    bank, errors = parse_bank(text, "skill.yaml")
    assert bank is None and any("unknown skill ['percent']" in e.message for e in errors)
