"""CSV and spreadsheet exports (the ``flask export`` command is ``quiz.reports.cli``).

The column names and their order are a public contract, documented in
``docs/csv.md``: change them only with a note there. Each export is one table of
(header, value): ``quiz.reports.grades`` (grades), ``quiz.reports.responses``
(responses), ``quiz.reports.gradebook`` (grades by question), on the common ground
of ``quiz.reports.csvfile``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz.classes.roster import normalise_code
from quiz.reports.csvfile import iso_utc, safe_cell
from quiz.reports.gradebook import gradebook, gradebook_csv, gradebook_xlsx
from quiz.reports.grades import (
    DISCERNMENT_COLUMNS,
    GRADES_BATCH,
    GRADES_COLUMNS,
    grades_csv,
)
from quiz.reports.responses import RESPONSES_COLUMNS, responses_csv, responses_query
from quiz.store import models as m

__all__ = [
    "DISCERNMENT_COLUMNS",
    "EXPORTS",
    "GRADES_BATCH",
    "GRADES_COLUMNS",
    "RESPONSES_COLUMNS",
    "gradebook",
    "gradebook_csv",
    "gradebook_xlsx",
    "grades_csv",
    "iso_utc",
    "responses_csv",
    "responses_query",
    "safe_cell",
    "select_assignments",
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
