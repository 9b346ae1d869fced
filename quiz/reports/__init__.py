"""Reports and exports: what a teacher reads about an assignment.

``results`` builds the assignment report (students' rows, mastery by skill,
score distribution, item statistics) from one set of reads; ``stats`` reads
what item statistics need; ``charts`` draws them; ``exports`` writes the CSV
and spreadsheet files from the same definitions.

May import: ``quiz.domain``, ``quiz.questions``, ``quiz.store``, ``quiz.services``.
Never a blueprint or view module.
"""
