"""``flask --app quiz ...`` commands."""

from __future__ import annotations

import json
import sys
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import text

from quiz import services
from quiz.classes import roster as classes
from quiz.domain import banklint
from quiz.domain.banks import check_paths
from quiz.domain.rendering import plural
from quiz.store import migrate
from quiz.store.db import get_engine, session_scope
from quiz.web.clidb import needs_database

bank_cli = AppGroup("bank", help="Check and load question banks.")
db_cli = AppGroup("db", help="Database schema migrations.")


def init_app(app: Flask) -> None:
    from quiz.accounts.commands import create_teacher_command, set_password_command
    from quiz.drafting.command import draft_command
    from quiz.interchange.cli import add_commands as add_interchange_commands
    from quiz.reports.cli import export_command

    app.cli.add_command(bank_cli)
    app.cli.add_command(db_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(create_teacher_command)
    app.cli.add_command(set_password_command)
    app.cli.add_command(export_command)
    app.cli.add_command(draft_command)
    add_interchange_commands(bank_cli)


def _paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or list(current_app.config["BANK_PATHS"])


@bank_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@click.option("--strict", is_flag=True, help="Treat item-writing warnings as errors (exit 1).")
def bank_check(paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Validate bank files (default: the shipped question_banks/), run each question's
    checks through the grader and warn about item-writing flaws. Exit 1 on any problem
    or failed check (with --strict, on any warning too)."""
    banks, errors = check_paths(_paths(paths))
    warnings: list[banklint.BankWarning] = []
    ran: dict[str, int] = {}
    for bank in banks:
        ran[bank.file], failures = banklint.failed_checks(bank)
        errors += failures
        warnings += banklint.lint(bank)
    if as_json:
        summaries = [{**b.summary(), "checks": ran[b.file]} for b in banks]
        report = {
            "banks": summaries,
            "errors": [e.to_dict() for e in errors],
            "warnings": [w.to_dict() for w in warnings],
            "strict": strict,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for e in errors:
            click.echo(str(e), err=True)
        for w in warnings:
            click.echo(str(w), err=True)
        if strict and warnings:
            click.echo(f"--strict: {len(warnings)} warnings count as errors.", err=True)
        for b in banks:
            mine = sum(1 for w in warnings if w.file == b.file)
            click.echo(
                f"{b.file}: ok: {b.id}: {len(b.questions)} questions, "
                f"{ran[b.file]} checks run, {mine} warnings"
            )
            drafts = sum(1 for q in b.questions if q.draft)
            if drafts:  # a note, not a warning: drafting is a normal state
                click.echo(
                    f"{b.file}: note: {plural(drafts, 'question')} of {len(b.questions)} "
                    f"{'is a draft' if drafts == 1 else 'are drafts'}, unpublished "
                    "(never given to students until published)"
                )
    sys.exit(1 if errors or (strict and warnings) else 0)


def load_banks(app: Flask, paths: list[str]) -> list[str]:
    """Validate every bank, then import them all in one transaction. On any
    problem nothing is imported and the problems are returned."""
    banks, errors = check_paths(paths)
    if errors:
        return [str(e) for e in errors]
    with session_scope(app) as session:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(727275)"))
        for bank in banks:
            services.import_bank(session, bank)
    return []


@bank_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path())
@needs_database()
def bank_load(paths: tuple[str, ...]) -> None:
    """Load banks into the database (all or nothing)."""
    problems = load_banks(current_app._get_current_object(), _paths(paths))  # type: ignore[attr-defined]
    for p in problems:
        click.echo(p, err=True)
    if problems:
        click.echo("No bank was loaded.", err=True)
        sys.exit(1)
    click.echo("Banks loaded.")


@db_cli.command("upgrade")
@needs_database(check_schema=False)
def db_upgrade() -> None:
    """Upgrade the database schema to the newest version."""
    migrate.upgrade(get_engine(current_app))
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@needs_database(check_schema=False)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    migrate.revision(get_engine(current_app), message)


@click.command("setup")
@with_appcontext
@needs_database(check_schema=False)
def setup_command() -> None:
    """Upgrade the schema and load the banks: what the server needs before it starts.
    Exits 1, loading nothing, if any bank is invalid."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    zone_name = str(app.config.get("TIMEZONE") or "UTC")
    try:
        ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        click.echo(
            f"QUIZ_TIMEZONE={zone_name!r} is not a time zone name: use an Area/City name "
            "such as Europe/London or America/New_York (the list: timedatectl list-timezones).",
            err=True,
        )
        sys.exit(1)
    migrate.upgrade(get_engine(app))
    problems = load_banks(app, list(app.config["BANK_PATHS"]))
    for p in problems:
        click.echo(p, err=True)
    if problems:
        click.echo("The quiz will not start until these bank problems are fixed.", err=True)
        sys.exit(1)
    click.echo(f"Database ready at {get_engine(app).url.render_as_string()}; banks loaded.")
    default = " (the default)" if zone_name == "UTC" else ""
    click.echo(
        f"Times are shown and typed in the school's time zone: {zone_name}{default}. "
        "To change it, set QUIZ_TIMEZONE to its name (for example QUIZ_TIMEZONE=Europe/London) "
        "and restart the server."
    )


@click.command("purge")
@with_appcontext
@needs_database()
def purge_command() -> None:
    """Delete data older than each class's retention (run it daily, e.g. from cron)."""
    with session_scope(current_app._get_current_object()) as session:  # type: ignore[attr-defined]
        counts = classes.purge_expired(session)
    click.echo(f"Purged {counts['attempts']} attempts and {counts['students']} students.")
