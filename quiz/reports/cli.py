"""The ``flask export`` command: grades, responses or grades by question to a file
or standard output (docs/csv.md), on the exports of ``quiz.reports.exports``."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click
from flask import current_app
from flask.cli import with_appcontext

from quiz.domain.rendering import plural
from quiz.reports.exports import EXPORTS, GRADEBOOK, select_assignments
from quiz.reports.gradebook import gradebook, gradebook_csv, gradebook_xlsx
from quiz.store.db import session_scope
from quiz.web import timeutil
from quiz.web.clidb import needs_database


@click.command("export")
@click.argument("kind", type=click.Choice([*sorted(EXPORTS), GRADEBOOK]))
@click.option("--class", "class_code", metavar="CODE", help="Only this class (its join code).")
@click.option("--assignment", "assignment_id", type=int, metavar="ID", help="Only this assignment.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@with_appcontext
@needs_database()
def export_command(
    kind: str, class_code: str | None, assignment_id: int | None, output: str | None
) -> None:
    """Export grades, responses or grades-by-question as CSV (UTF-8 with BOM, CRLF;
    see docs/csv.md).

    Without --class or --assignment, every assignment is exported. Grades by
    question are of one assignment (--assignment), as CSV, or as an Excel
    workbook when the output file's name ends in .xlsx."""
    with session_scope(current_app) as session:
        if kind == GRADEBOOK and assignment_id is None:
            click.echo("grades-by-question is of one assignment: give --assignment ID.", err=True)
            sys.exit(1)
        try:
            chosen = select_assignments(session, class_code, assignment_id)
        except LookupError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        if kind == GRADEBOOK:
            book = gradebook(session, chosen[0], timeutil.zone())
            if output and output.lower().endswith(".xlsx"):
                with open(output, "wb") as fh:
                    for data in gradebook_xlsx(book):
                        fh.write(data)
                click.echo(f"Exported {kind} of assignment {assignment_id} to {output}.", err=True)
                return
            chunks: Iterator[str] = gradebook_csv(book)
        else:
            chunks = EXPORTS[kind](session, chosen)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            click.echo(
                f"Exported {kind} of {plural(len(chosen), 'assignment')} to {output}.", err=True
            )
        else:
            for chunk in chunks:  # bytes: UTF-8 and CRLF whatever the console's settings
                click.echo(chunk.encode("utf-8"), nl=False)
