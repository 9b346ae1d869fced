"""Questions are immutable versions: a changed bank never changes old results."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import func, select

from quiz import services
from quiz.domain.banks import parse_bank
from quiz.store import models as m
from quiz.store.db import session_scope

GOOD = Path(__file__).parent / "data" / "good" / "minimal.yaml"


def _load(app, text):
    bank, errors = parse_bank(text, "minimal.yaml")
    assert not errors, errors
    with session_scope(app) as s:
        return services.import_bank(s, bank).id


def _versions(s, key):
    q = s.scalar(select(m.Question).where(m.Question.key == key))
    return q, [v.version for v in q.versions]


def test_changed_question_gets_a_new_version_and_old_attempts_keep_theirs(app):
    text = GOOD.read_text()
    bank_id = _load(app, text)
    with session_scope(app) as s:
        student = services.create_student(s, "Old")
        old = services.start_attempt(s, student, s.get(m.Bank, bank_id), rng=random.Random(0))
        old_id = old.id
        old_versions = {sl.question_version_id for sl in old.slots}

    with session_scope(app) as s:
        before = s.scalar(select(func.count()).select_from(m.QuestionVersion))
    _load(app, text)  # unchanged: nothing new
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.QuestionVersion)) == before

    changed = text.replace("How many now?", "How many crimes are there now?")
    _load(app, changed)
    with session_scope(app) as s:
        q, versions = _versions(s, "q-single")
        assert versions == [1, 2] and q.current_version.version == 2
        assert "crimes are there now" in q.current_version.spec["prompt"]
        _c, classify_versions = _versions(s, "q-classify")
        assert classify_versions == [1]
        old = s.get(m.Attempt, old_id)
        assert {sl.question_version_id for sl in old.slots} == old_versions
        (old_single,) = [sl for sl in old.slots if sl.question_version.type == "single"]
        assert old_single.question_version.version == 1
        assert "How many now?" in old_single.question_version.spec["prompt"]
        new = services.start_attempt(s, old.student, old.bank)
        assert q.current_version_id in {sl.question_version_id for sl in new.slots}


def test_removed_question_is_retired_not_erased(app):
    text = GOOD.read_text()
    _load(app, text)
    start = text.index("  - id: q-classify")
    _load(app, text[:start])
    with session_scope(app) as s:
        q = s.scalar(select(m.Question).where(m.Question.key == "q-classify"))
        assert q.retired and q.versions
        bank = s.scalar(select(m.Bank).where(m.Bank.slug == "minimal"))
        student = services.create_student(s, "New")
        attempt = services.start_attempt(s, student, bank)
        assert [sl.question_version.type for sl in attempt.slots] == ["single"]
    _load(app, text)  # back again: the same question, unretired, same version
    with session_scope(app) as s:
        q, versions = _versions(s, "q-classify")
        assert not q.retired and versions == [1]
