"""`flask --app quiz draft ARTICLE.txt [-o bank.yaml] [--json]` (issue #19)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from quiz.store.db import dispose_engines
from tests.conftest import make_app

SEED = Path(__file__).parent / "data" / "drafting" / "seed-ice.yaml"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def cli_app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(f"sqlite:///{tmp_path / 'cli.sqlite'}", tmp_path)
    yield app
    dispose_engines(app)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    import drafter

    path = tmp_path / "seed.txt"
    path.write_text(drafter.load(SEED)["text"], encoding="utf-8")
    return path


def test_json_prints_exactly_the_issues_shape(cli_app: Flask, article: Path) -> None:
    result = cli_app.test_cli_runner().invoke(args=["draft", str(article), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"title", "sentences", "claims"}
    assert data["title"].startswith("Stunning 500% Rise")
    assert data["sentences"][0] == {
        "id": "p0-s1",
        "text": data["title"],
        "voice": "attributed_report",
        "loaded_words": ["Stunning"],
    }
    for s in data["sentences"]:
        assert set(s) == {"id", "text", "voice", "loaded_words"}
    claim = data["claims"][1]
    assert claim == {
        "sentence_id": "p1-s1",
        "text_span": "500% increase",
        "kind": "percent_change",
        "stated_value": "500%",
        "baseline_given": False,
        "period_given": False,
        "definition_given": False,
        "denominator_given": False,
        "source_named": True,
    }


def test_o_writes_a_draft_bank_that_bank_check_accepts(
    cli_app: Flask, article: Path, tmp_path: Path
) -> None:
    out = tmp_path / "draft.yaml"
    result = cli_app.test_cli_runner().invoke(args=["draft", str(article), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "draft bank (7 questions)" in result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("# Draft:") >= 7
    check = cli_app.test_cli_runner().invoke(args=["bank", "check", "--strict", str(out)])
    assert check.exit_code == 0, check.output
    assert "7 questions, 15 checks run, 0 warnings" in check.output


def test_without_o_the_bank_goes_to_standard_output(cli_app: Flask, article: Path) -> None:
    result = cli_app.test_cli_runner().invoke(args=["draft", str(article)])
    assert result.exit_code == 0
    assert "questions:" in result.stdout and "id: draft-stunning-500-rise" in result.stdout


def test_standard_input_is_read_with_a_dash(cli_app: Flask) -> None:
    result = cli_app.test_cli_runner().invoke(
        args=["draft", "-", "--json"], input="A title\nIt rose 40% in 2023.\nNext line.\n"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["sentences"]] == ["p0-s1", "p1-s1", "p2-s1"]
    assert data["claims"][0]["kind"] == "percent_change"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"One line only, no title", "No title line"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 40, "NUL"),
        ("Caf\u00e9\n\nBody.".encode("cp1252"), "not UTF-8"),
        (b"Title\n\n" + b"paste " * 900_000, "larger than 256 KB"),
    ],
)
def test_bad_input_one_line_exit_1_nothing_written(
    cli_app: Flask, tmp_path: Path, content: bytes, message: str
) -> None:
    src = tmp_path / "bad.txt"
    src.write_bytes(content)
    out = tmp_path / "out.yaml"
    out.write_text("the teacher's earlier file\n")
    result = cli_app.test_cli_runner().invoke(args=["draft", str(src), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert out.read_text() == "the teacher's earlier file\n"  # untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.yaml")] == []


def test_an_article_with_nothing_to_ask_about_is_one_line(cli_app: Flask, tmp_path: Path) -> None:
    src = tmp_path / "thin.txt"
    src.write_text("A title\n\nOne plain sentence.\n")
    result = cli_app.test_cli_runner().invoke(args=["draft", str(src), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "nothing to draft a question from" in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_missing_file_and_a_folder_are_one_line_too(cli_app: Flask, tmp_path: Path) -> None:
    runner = cli_app.test_cli_runner()
    missing = runner.invoke(args=["draft", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
    folder = runner.invoke(args=["draft", str(tmp_path)])
    assert folder.exit_code == 1 and "is a folder" in folder.stderr


def test_the_real_command_line(article: Path, tmp_path: Path) -> None:
    """The installed entry point, as a teacher runs it."""
    flask = Path(sys.executable).parent / "flask"
    done = subprocess.run(
        [str(flask), "--app", "quiz", "draft", str(article), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["claims"]
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    done = subprocess.run(
        [str(flask), "--app", "quiz", "draft", str(bad)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().startswith("draft:") and done.stdout == ""
