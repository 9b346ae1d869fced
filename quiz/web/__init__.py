"""Web wiring: configuration, the Flask hooks, forms' base class, times shown
to people, and the ``flask`` commands.

May import anything below it; nothing in ``quiz.domain``, ``quiz.questions``
or ``quiz.drafting`` imports it.
"""
