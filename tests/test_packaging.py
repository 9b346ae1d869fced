"""The wheel carries the templates, the static files, the migrations and the banks."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_what_the_app_needs(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "quiz/templates/base.html",
        "quiz/templates/student/question.html",
        "quiz/templates/questions/numeric.html",
        "quiz/templates/questions/numeric_editor.html",
        "quiz/question_banks/ice-assaults-500.yaml",
        "quiz/question_banks/README.md",
        "quiz/static/quiz.css",
        "quiz/static/favicon.svg",
        "quiz/store/migrations/env.py",
        "quiz/store/migrations/versions/0001_initial_schema.py",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("instance/", "tests/")) for n in names)
