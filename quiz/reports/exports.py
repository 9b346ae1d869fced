"""CSV and spreadsheet exports, and the ``flask export`` command.

The column names and their order are a public contract, documented in
``docs/csv.md``: change them only with a note there. Each export is one table of
(header, value): ``quiz.reports.grades`` (grades), ``quiz.reports.responses``
(responses), ``quiz.reports.gradebook`` (grades by question), on the common ground
of ``quiz.reports.csvfile``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.classes.roster import normalise_code
from quiz.domain.rendering import plural
from quiz.reports.csvfile import BOM, iso_utc, safe_cell
from quiz.reports.gradebook import Gradebook, gradebook, gradebook_csv, gradebook_xlsx
from quiz.reports.grades import (
    DISCERNMENT_COLUMNS,
    GRADES,
    GRADES_BATCH,
    GRADES_COLUMNS,
    grades_csv,
    skill_column,
)
from quiz.reports.responses import RESPONSES, RESPONSES_COLUMNS, responses_csv, responses_query
from quiz.store import models as m
from quiz.store.db import session_scope
from quiz.web import timeutil
from quiz.web.clidb import needs_database

__all__ = [
    "BOM",
    "DISCERNMENT_COLUMNS",
    "EXPORTS",
    "GRADES",
    "GRADES_BATCH",
    "GRADES_COLUMNS",
    "RESPONSES",
    "RESPONSES_COLUMNS",
    "Gradebook",
    "export_command",
    "gradebook",
    "gradebook_csv",
    "gradebook_xlsx",
    "grades_csv",
    "iso_utc",
    "responses_csv",
    "responses_query",
    "safe_cell",
    "select_assignments",
    "skill_column",
]

EXPORTS = {"grades": grades_csv, "responses": responses_csv}


def select_assignments(
    session: Session, class_code: str | None = None, assignment_id: int | None = None
) -> list[m.Assignment]:
    """Assignments to export, by id; LookupError with a message for an unknown
    class code or assignment id (or an assignment that is not in that class)."""
    query = select(m.Assignment).order_by(m.Assignment.id)
    if class_code is not None:
        code = normalise_code(class_code)
        klass = session.scalar(select(m.Klass).where(m.Klass.join_code == code))
        if klass is None:
            raise LookupError(f"No class has the code {class_code!r}.")
        query = query.where(m.Assignment.class_id == klass.id)
    if assignment_id is not None:
        if session.get(m.Assignment, assignment_id) is None:
            raise LookupError(f"No assignment has the id {assignment_id}.")
        query = query.where(m.Assignment.id == assignment_id)
        if class_code is not None and session.scalar(query) is None:
            raise LookupError(f"Assignment {assignment_id} is not in class {class_code!r}.")
    return list(session.scalars(query))


GRADEBOOK = "grades-by-question"


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
