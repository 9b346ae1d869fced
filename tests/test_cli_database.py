"""Every command that uses the database, on a database ``setup`` has not prepared
(an empty file, a schema behind the code) or cannot reach: one line saying what to
run, exit 1, no traceback. The commands are found by walking the app's CLI, so a
new command is covered as soon as it is added: one that touches the database
without ``needs_database`` fails ``test_no_command_leaks_a_database_error``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask import Flask

from quiz.store.db import dispose_engines, get_engine
from quiz.store.migrate import head_revision, upgrade
from quiz.web.clidb import uses_database
from tests.conftest import ROOT, SHIPPED_BANKS, make_app

BANK_FILE = next(SHIPPED_BANKS.glob("*.yaml"))
UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
# Commands that make the schema: they run on an empty database (and are checked
# only for an unreachable one).
MAKE_SCHEMA = {("setup",), ("db", "upgrade"), ("db", "revision")}


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def _value(param: click.Parameter, tmp_path: Path) -> list[str]:
    """A value for a required parameter. Never a file of the work tree: an input
    path is a copy of the shipped bank, an output one a new file (export-qti's
    required --output once overwrote the shipped bank it was given)."""
    if isinstance(param.type, click.Choice):
        return [str(param.type.choices[0])]
    if isinstance(param.type, click.Path):
        if isinstance(param, click.Option):
            return [str(tmp_path / f"out-{param.name}")]
        copy = tmp_path / "bank.yaml"
        copy.write_bytes(BANK_FILE.read_bytes())
        return [str(copy)]
    if param.type is click.INT:
        return ["1"]
    return ["teacher@example.org"]


def _args(path: tuple[str, ...], command: click.Command, tmp_path: Path) -> list[str]:
    """The command's path and a value for each required parameter."""
    args = list(path)
    for param in command.params:
        if not param.required:
            continue
        if isinstance(param, click.Option):
            args += [param.opts[0], *_value(param, tmp_path)]
        elif param.nargs != -1:
            args += _value(param, tmp_path)
    return args


def _invoke(app: Flask, path: tuple[str, ...], command: click.Command):
    work = Path(app.instance_path) / "args"
    work.mkdir(exist_ok=True)
    return app.test_cli_runner().invoke(args=_args(path, command, work), input="")


def _commands_of(app: Flask):
    return list(_commands(app.cli))


def _one_line(result) -> str:
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output and "sqlalchemy" not in result.output.lower()
    return lines[0]


def test_the_walk_finds_the_database_commands(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)
    marked = {path for path, command in _commands_of(app) if uses_database(command)}
    assert {("export",), ("purge",), ("create-teacher",), ("set-password",)} <= marked
    assert {("bank", "load"), *MAKE_SCHEMA} <= marked
    assert ("bank", "check") not in marked and ("draft",) not in marked
    dispose_engines(app)


def test_every_database_command_on_an_empty_database_says_run_setup(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)
    checked = 0
    for path, command in _commands_of(app):
        if not uses_database(command) or path in MAKE_SCHEMA:
            continue
        line = _one_line(_invoke(app, path, command))
        assert line == "The database has no tables yet: run `flask --app quiz setup` first.", path
        checked += 1
    assert checked >= 5
    dispose_engines(app)


def test_every_database_command_on_a_schema_behind_the_code_says_run_setup(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'old.sqlite'}", tmp_path)
    upgrade(get_engine(app), "0002")
    for path, command in _commands_of(app):
        if not uses_database(command) or path in MAKE_SCHEMA:
            continue
        line = _one_line(_invoke(app, path, command))
        assert line == (
            f"The database schema is at 0002, this code needs {head_revision()}: "
            "run `flask --app quiz setup` first."
        ), path
    dispose_engines(app)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_every_database_command_on_an_unreachable_database_says_so(tmp_path, kind):
    url = (
        f"sqlite:///{tmp_path / 'no-such-folder' / 'quiz.sqlite'}"
        if kind == "sqlite"
        else UNREACHABLE_PG
    )
    app = make_app(url, tmp_path)
    checked = 0
    for path, command in _commands_of(app):
        if not uses_database(command):
            continue
        line = _one_line(_invoke(app, path, command))
        assert line.startswith("The database at "), (path, line)
        assert "cannot be reached" in line and "QUIZ_DATABASE_URL" in line, (path, line)
        checked += 1
    assert checked >= 8
    dispose_engines(app)


def test_no_command_leaks_a_database_error(tmp_path):
    """The commands without the mark, on an empty database: whatever they do with
    the arguments given, no SQLAlchemy error escapes (one would, from a command that
    touches the database unmarked)."""
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)
    for path, command in _commands_of(app):
        if uses_database(command):
            continue
        result = _invoke(app, path, command)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            path,
            repr(result.exception),
        )
        assert "sqlalchemy" not in result.output.lower(), path
    dispose_engines(app)


def test_setup_then_the_commands_run(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["setup"]).exit_code == 0
    result = runner.invoke(args=["create-teacher", "t@example.org"], input="a good password\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["purge"]).exit_code == 0
    dispose_engines(app)


def test_export_grades_before_setup_from_the_shell(tmp_path):
    """The issue's case, through the real ``flask`` command: one line, exit 1."""
    env = {
        **os.environ,
        "QUIZ_DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite'}",
        "QUIZ_SECRET_KEY": "x" * 32,
    }
    flask = Path(sys.executable).parent / "flask"
    done = subprocess.run(
        [str(flask), "--app", "quiz", "export", "grades"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == "The database has no tables yet: run `flask --app quiz setup` first.\n"
