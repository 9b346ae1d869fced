"""A class with students at every stage, made through the use cases (not the pages),
for the browser tests of the teacher's pages."""

from __future__ import annotations

from typing import Any

from flask import Flask

from quiz import services
from quiz.classes import assignments as assign
from quiz.classes import roster as classes
from quiz.questions.base import Question
from quiz.store import models as m
from quiz.store.db import session_scope


def wrong_form(q: Question, state: dict[str, Any]) -> dict[str, list[str]]:
    """A wrong answer, revealing a misconception where the question names one."""
    found = q.misconception_form(state)
    if found:
        return found[0]
    return {"numeric": {"value": ["1"]}, "text": {"text": ["no idea"]}}.get(
        q.type, q.key_form(state)
    )


def student_attempts(app: Flask, assignment_id: int, code: str) -> None:
    """Five students: three submitted (all right, half right, mostly wrong), one in
    progress, one not started."""
    with session_scope(app) as s:
        assignment = s.get(m.Assignment, assignment_id)
        for n, name in enumerate(["Ana", "Ben", "Cai", "Dee", "Eli"]):
            student = classes.join(s, code, name, f"browser-{n}")
            if n == 4:
                continue
            attempt = assign.start(s, student, assignment)
            for k, slot in enumerate(attempt.slots):
                q = services.question_of(slot.question_version)
                right = n == 0 or (n == 1 and k % 2 == 0) or (n == 2 and k == 0)
                if n == 3 and k > 1:
                    break
                form = q.key_form(slot.state) if right else wrong_form(q, slot.state)
                assert not services.save_answer(s, attempt, slot, form).error
            if n < 3:
                services.submit_attempt(s, attempt)
            s.commit()
