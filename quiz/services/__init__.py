"""Use cases: import banks, start an attempt, save an answer, submit.

Each function takes a SQLAlchemy session and leaves committing to its caller's
unit of work (``commit`` at the end of a request or CLI command), except where
a use case must commit to be safe under concurrency (said in its docstring).

Split by feature, and imported here so that callers write ``services.save_answer``:

- ``content``: banks in the database, and the content caches (article, question
  and bank header by sha256);
- ``reads``: what the student's pages read of an attempt, the question page's
  one-row read (``attempt_at``) above all;
- ``answers``: when feedback is due and answers lock, and saving an answer;
- ``answering``: the answer view's saves, each in the transaction style it needs
  (``record_answer``, ``record_draft``);
- ``firstanswer``: a first answer with immediate feedback as one guarded INSERT, with
  what never changes in an attempt kept per process (``save_first``);
- ``attempts``: students, starting and submitting attempts, skill scores, regrading;
- ``followup``: practice aimed at what an attempt got wrong.

May import the domain, ``quiz.questions`` and ``quiz.store`` (the answer saves take
their sessions from ``store.db``: ``answering``); never a view, a blueprint or Flask's
request.
"""

from __future__ import annotations

from quiz.services.answering import record_answer, record_draft
from quiz.services.answers import (
    GRACE,
    NotAllowed,
    NotInTransaction,
    SaveResult,
    answers_locked,
    deadline_of,
    draft_of,
    effective_deadline,
    feedback_due,
    save_answer,
    save_draft,
    time_is_up,
)
from quiz.services.attempts import (
    SkillScore,
    create_student,
    is_draft,
    live_questions,
    one_start_at_a_time,
    open_attempt,
    regrade_assignment,
    skill_scores,
    start_attempt,
    submit_attempt,
)
from quiz.services.content import (
    BankHeader,
    article_of,
    import_bank,
    list_banks,
    question_of,
)
from quiz.services.reads import (
    AnswerHead,
    AnyAnswer,
    AnyAttempt,
    AnySlot,
    AttemptHead,
    NavItem,
    QuestionAt,
    QuestionRow,
    SlotHead,
    answers_by_slot,
    attempt_at,
    attempt_for_student,
    load_attempt,
    navigation,
    question_rows,
    slot_count,
)

__all__ = [
    "GRACE",
    "AnswerHead",
    "AnyAnswer",
    "AnyAttempt",
    "AnySlot",
    "AttemptHead",
    "BankHeader",
    "NavItem",
    "NotAllowed",
    "NotInTransaction",
    "QuestionAt",
    "QuestionRow",
    "SaveResult",
    "SkillScore",
    "SlotHead",
    "answers_by_slot",
    "answers_locked",
    "article_of",
    "attempt_at",
    "attempt_for_student",
    "create_student",
    "deadline_of",
    "draft_of",
    "effective_deadline",
    "feedback_due",
    "import_bank",
    "is_draft",
    "list_banks",
    "live_questions",
    "load_attempt",
    "navigation",
    "one_start_at_a_time",
    "open_attempt",
    "question_of",
    "question_rows",
    "record_answer",
    "record_draft",
    "regrade_assignment",
    "save_answer",
    "save_draft",
    "skill_scores",
    "slot_count",
    "start_attempt",
    "submit_attempt",
    "time_is_up",
]
