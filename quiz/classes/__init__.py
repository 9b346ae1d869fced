"""Classes and assignments: rosters, join codes, assignments and their pages.

``roster`` (classes, students, join codes), ``students`` (a browser's students as
My classes reads them) and ``assignments`` are use cases on a SQLAlchemy session;
``pages`` is the teacher's blueprint for them.

The use cases may import ``quiz.domain``, ``quiz.store`` and ``quiz.services``;
only ``pages`` imports Flask.
"""
