"""The student's pages (the ``student`` blueprint): practice, a question page and
its answer, review and hand-in, results, and classes from the student's side.

- ``blueprint``: the blueprint, and who the browser is (its identities);
- ``practice``: the banks, starting and resuming practice, practising what was missed;
- ``question``: the question page (one read, outside a transaction);
- ``answer``: saving what is on a question page (the use cases choose the
  transaction: ``services.record_answer``);
- ``handin``: review, submit, results;
- ``classes``: join, re-enter, the student's own page, starting an assignment;
- ``rendering``: what a question page renders once and keeps per process.

May import Flask, ``quiz.services``, ``quiz.classes`` (roster, assignments),
``quiz.domain``, ``quiz.questions``, ``quiz.reports``, ``quiz.store`` and ``quiz.web``
forms; nothing imports it but the app factory.
"""

from quiz.student import answer, classes, handin, practice, question  # noqa: F401 - routes
from quiz.student.blueprint import bp

__all__ = ["bp"]
