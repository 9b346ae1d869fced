"""Reports and exports: what a teacher reads about an assignment.

``report`` builds an assignment's report (``assignment_report``: the students'
table, item statistics, mastery by skill, discernment, the score distribution)
from one set of reads, each done once when first needed; ``reads`` holds those
statements, shared with the batched grades export. ``results`` makes a student's
row and what went wrong, ``stats`` the item statistics (Moodle's formulas are in
``quiz.domain.itemstats``), ``judgements`` the discernment figures, ``charts`` draws
them. The exports: ``grades``, ``responses`` and ``gradebook`` (grades by question),
each one table of columns, on ``csvfile``; ``exports`` is the command and the
names the pages import.

May import: ``quiz.domain``, ``quiz.questions``, ``quiz.store``, ``quiz.services``,
``quiz.classes.roster`` (a class's join code). Never a blueprint or view module.
"""
