"""One report of an assignment, read once: the students' table, item statistics,
mastery by skill, discernment figures and the score distribution.

``assignment_report(session, assignment)`` returns an ``AssignmentReport`` whose
parts are computed when first asked for, each read (``quiz.reports.reads``) done at
most once and shared: the live-refresh fragment asks for the table only (three
statements), the results page for everything; the grades-by-question export for
the table and the cells. Three definitions hold for every part (docs/csv.md):

- the attempts that count: ``quiz.domain.itemstats.counted_attempts``;
- a skill's percentage: ``quiz.domain.itemstats.skill_percent`` (marks pooled over
  the counted attempts);
- an attempt's time is up: ``quiz.services.time_is_up`` (its deadline with
  ``quiz.services.GRACE``), applied by ``quiz.classes.assignments.finish_overdue``
  before a report is read.

Every statement over the analysed attempts that runs after the attempts' read
(statistics, labels, discernment) is bounded to exactly the attempts read
(``AssignmentReport.only``, one bound parameter): each statement sees rows
committed meanwhile, and an attempt handed in then would be counted by some
figures and not others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from quiz.classes.assignments import targets
from quiz.domain import itemstats as its
from quiz.reports import charts, reads
from quiz.reports.beside import Beside, beside
from quiz.reports.judgements import ClassJudgements, judge
from quiz.reports.reads import AttemptRow, Cell
from quiz.reports.results import StudentResult, skill_keys, student_result
from quiz.reports.stats import AssignmentStats, analyse
from quiz.store import models as m

BINS = 10  # the score distribution's bins, 0–100%


class AssignmentReport:
    """An assignment's report; see the module docstring. Each property reads what it
    needs the first time it is asked for, and never again."""

    def __init__(self, session: Session, assignment: m.Assignment) -> None:
        self.session = session
        self.assignment = assignment
        self._sums_ahead: Beside[dict[int, its.SkillSums]] | None = None

    def read_ahead(self) -> None:
        """Start the skill sums' statement beside (``quiz.reports.beside``): the
        page's table and the statistics both need it, and it needs nothing of the
        other reads. It may run before the attempts are read: an attempt handed in
        between is then submitted in the table and missing from these sums, and
        ``skill_sums`` reads its sums apart. Once only; what is already read is not
        read again."""
        if self._sums_ahead is None and "skill_sums" not in self.__dict__:
            ids = [self.assignment.id]
            self._sums_ahead = beside(self.session, lambda conn: reads.skill_sums_on(conn, ids))

    @cached_property
    def skill_keys(self) -> list[str]:
        return skill_keys(self.assignment)

    @cached_property
    def roster(self) -> list[m.Student]:
        """Every student of the assignment's class (read)."""
        return list(self.session.scalars(reads.STUDENTS, {"ids": [self.assignment.class_id]}))

    @cached_property
    def attempts(self) -> dict[int, list[AttemptRow]]:
        """Per student, every attempt at the assignment by number (read)."""
        by_student: dict[int, list[AttemptRow]] = defaultdict(list)
        for a in reads.attempts(self.session, [self.assignment.id]).get(self.assignment.id, []):
            by_student[a.student_id].append(a)
        return by_student

    @cached_property
    def counted(self) -> dict[int, list[AttemptRow]]:
        """Per student who submitted (in the class or not), the attempts that count."""
        method = self.assignment.grading
        out = {}
        for sid, mine in self.attempts.items():
            submitted = [a for a in mine if a.submitted]
            if submitted:
                out[sid] = its.counted_attempts(submitted, method)
        return out

    @cached_property
    def analysed(self) -> list[AttemptRow]:
        """The counted attempts of every student, by student and number."""
        return [a for sid in sorted(self.counted) for a in self.counted[sid]]

    @cached_property
    def cells(self) -> dict[int, list[Cell]]:
        """Per attempt, its slots' marks (read, once any attempt exists)."""
        return reads.cells(self.session, self.assignment) if self.attempts else {}

    @cached_property
    def skill_sums(self) -> Mapping[int, its.SkillSums]:
        """Per submitted attempt and skill, (marks earned, marks possible), summed by
        the database (``reads.SKILL_SUMS``, as the grades export does): a few rows per
        attempt, not one per slot, so the live table never reads the cells."""
        if self._sums_ahead is not None:
            sums = self._sums_ahead.result()
            # Handed in after the sums' statement began (attempts only ever become
            # submitted): read theirs now. An attempt without slots has none either way.
            late = [a.id for m_ in self.attempts.values() for a in m_ if a.submitted]
            late = [i for i in late if i not in sums]
            if late:
                sums.update(
                    reads.skill_sums_on(self.session.connection(), [self.assignment.id], late)
                )
            return sums
        if not self.attempts:
            return {}
        return reads.skill_sums(self.session, [self.assignment.id])

    @cached_property
    def versions(self) -> dict[int, m.QuestionVersion]:
        """The question versions the attempts hold (read), with their questions."""
        held = {c.version_id for row in self.cells.values() for c in row}
        return reads.versions(self.session, held)

    @cached_property
    def left_out(self) -> list[int]:
        """The submitted attempts that do not count (a student's lower attempts under
        highest, say): what the statements over the analysed attempts leave out."""
        counted = {a.id for a in self.analysed}
        return sorted(
            a.id
            for mine in self.attempts.values()
            for a in mine
            if a.submitted
            if a.id not in counted
        )

    @cached_property
    def only(self) -> ColumnElement[bool]:
        """The analysed attempts' ids as one clause of one bound parameter
        (``reads.among``): every statement over the analysed attempts after the
        attempts' read is bounded by it, so an attempt handed in meanwhile (each
        statement sees newly committed rows) is counted by none."""
        dialect = self.session.get_bind().dialect.name
        return reads.among(dialect, [a.id for a in self.analysed])

    @cached_property
    def students(self) -> list[StudentResult]:
        """The students' table: every student the assignment is for (the class, or a
        follow-up's students), not started included, by name (case-insensitive)."""
        wanted = targets(self.assignment)
        method, keys, sums = self.assignment.grading, self.skill_keys, self.skill_sums
        rows = [
            student_result(s, self.attempts.get(s.id, []), method, keys, sums)
            for s in self.roster
            if wanted is None or s.id in wanted
        ]
        rows.sort(key=lambda r: (r.student.display_name.casefold(), r.student.id))
        return rows

    @cached_property
    def pooled_skills(self) -> dict[int, its.SkillSums]:
        """Per student who submitted, their skill sums over their counted attempts."""
        # one counted attempt: its sums as they are (pooled adds them to 0.0, which
        # changes none of reads.skill_sums' floats: float(x or 0.0) is never -0.0)
        sums, pooled = self.skill_sums, its.pooled
        empty: its.SkillSums = {}
        return {
            sid: dict(sums.get(mine[0].id, empty))
            if len(mine) == 1
            else pooled(sums.get(a.id, empty) for a in mine)
            for sid, mine in self.counted.items()
        }

    @cached_property
    def stats(self) -> AssignmentStats:
        """Item and test statistics, mastery by skill, the attempts' percentages."""
        return analyse(self)

    @cached_property
    def judged(self) -> ClassJudgements:
        """Discernment and misconceptions per student (reads the answers once)."""
        return judge(self)

    @cached_property
    def distribution(self) -> list[tuple[str, int]]:
        """The score distribution: (bin's label, analysed attempts in it), 0–100%."""
        counts = charts.bin_counts(self.stats.score_percentages, bins=BINS, lo=0, hi=100)
        return list(zip(charts.bin_labels(bins=BINS, lo=0, hi=100), counts, strict=True))


def assignment_report(session: Session, assignment: m.Assignment) -> AssignmentReport:
    """The assignment's report (see ``AssignmentReport``): nothing is read yet."""
    return AssignmentReport(session, assignment)
