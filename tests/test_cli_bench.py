"""bench/ says what it needs: run by a Python without its modules, each benchmark
prints one line naming the install command and exits 2 (the issue: a benchmark run
from the serve environment failed on ``import psutil`` with no hint)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

BENCH = ROOT / "bench"
SCRIPTS = sorted(
    p.name for p in BENCH.glob("*.py") if "from _common import" in p.read_text(encoding="utf-8")
)


def test_the_benchmarks_share_the_check():
    assert {"load.py", "export.py", "spike.py", "stats.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_without_its_modules_names_the_install_command(script):
    # -S: no site-packages, so neither the quiz's dependencies nor psutil import
    done = subprocess.run(
        [sys.executable, "-S", str(BENCH / script), "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"{script} needs ") and "psutil" in lines[0]
    assert "pip install -e '.[bench]'" in lines[0]


def test_no_benchmark_imports_a_private_name_of_the_quiz():
    for path in BENCH.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith(("from quiz", "import quiz")):
                names = line.split(" import ", 1)[-1].replace("(", "").split(",")
                assert not any(n.strip().startswith("_") for n in names), (path.name, line)
