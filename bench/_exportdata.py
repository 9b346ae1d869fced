"""The data behind bench/export.py: a school's year bulk-inserted straight into the
tables (sqlite3 ``executemany``; PostgreSQL ``COPY``), valid rows graded by the
questions' own code. Imported by bench/export.py after ``_common`` (which puts the
repository on the import path and checks what the benchmarks need)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from _common import note
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quiz.services import article_of, question_of
from quiz.store import models as m
from quiz.store.db import make_engine
from tests.load import client as lc

ASSIGNMENTS_PER_CLASS = 24
BATCH = 20_000


# -- data ------------------------------------------------------------------------------


class Rows:
    """Rows for one table, as tuples in the table's column order."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        # A column left out takes the model's scalar default (a column added by a later
        # migration, such as teacher.session_generation), else NULL.
        self.defaults = {
            c.name: c.default.arg
            for c in table.columns
            if c.default is not None and c.default.is_scalar
        }

    def tuple(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values.get(c, self.defaults.get(c)) for c in self.columns)


class Loader:
    """Bulk insert for one dialect: sqlite3 executemany, or psycopg COPY."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()

    def when(self, value: datetime | None) -> Any:
        if value is None:
            return None
        if self.dialect == "sqlite":  # as quiz.store.db.UTCDateTime stores it: naive UTC text
            return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def insert(self, table: Any, rows: Iterator[tuple[Any, ...]]) -> int:
        columns = [c.name for c in table.columns]
        count = 0
        cur = self.raw.cursor()
        if self.dialect == "sqlite":
            sql = (
                f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
                f"VALUES ({', '.join('?' * len(columns))})"
            )
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cur.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                cur.executemany(sql, batch)
                count += len(batch)
        else:
            cols = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        cur.close()
        self.raw.commit()
        return count

    def finish(self, tables: Sequence[Any]) -> None:
        cur = self.raw.cursor()
        if self.dialect == "postgresql":
            for t in tables:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                    f'(SELECT max(id) FROM "{t.name}"))'
                )
        cur.execute("ANALYZE")
        cur.close()
        self.raw.commit()
        self.raw.close()


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _choices(session: Session) -> tuple[int, int, list[tuple[int, float, str, list[dict]]]]:
    """The bank's id, its article's id, and per question: one stored state and a few
    graded responses to pick from."""
    bank = session.scalar(select(m.Bank).where(m.Bank.slug == lc.SLUG))
    assert bank is not None, "run flask setup first"
    questions = session.scalars(
        select(m.Question)
        .where(m.Question.bank_id == bank.id, ~m.Question.retired)
        .order_by(m.Question.position)
        .options(selectinload(m.Question.current_version))
    ).all()
    article = article_of(bank.article)
    per_question = []
    for v in (q.current_version for q in questions):
        assert v is not None
        q = question_of(v)
        state = q.new_state(random.Random(v.id))
        forms = [q.key_form(state)]
        wrong = q.misconception_form(state)
        if wrong:
            forms.append(wrong[0])
        choices = []
        for form in forms:
            response = q.read_response(form, state)
            g = q.grade(response, article)
            choices.append(
                {
                    "response": _dumps(response),
                    "summary": g.summary,
                    "fraction": g.fraction,
                    "points": g.fraction * v.points,
                    "max_points": v.points,
                    "grade": _dumps(g.to_dict()),
                    "misconception": g.misconception,
                    "classification": g.classification,
                }
            )
        per_question.append((v.id, v.points, _dumps(state), choices))
    return bank.id, bank.article_id, per_question


FIRST_NAMES = ["Ada", "Ben", "Chloé", "Dev", "Ema", "Finn", "Grace", "Hugo", "Iris", "Jon"]
T0 = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


class Year:
    """A school's year: each table's rows, generated as they are inserted."""

    def __init__(self, engine: Any, answers: int, classes: int, class_size: int, seed: int) -> None:
        self.rng = random.Random(seed)
        with Session(engine) as s:
            self.bank_id, self.article_id, self.per_question = _choices(s)
        self.answers, self.classes, self.class_size = answers, classes, class_size
        self.per_attempt = len(self.per_question)
        n_attempts = -(-answers // self.per_attempt)
        if n_attempts > classes * ASSIGNMENTS_PER_CLASS * class_size:
            raise SystemExit(f"{answers} answers need more students or assignments")
        self.load = Loader(engine)
        # Attempts: assignment by assignment (week by week), every student of the class.
        self.plan: list[tuple[int, int, int, datetime]] = []  # attempt, student, assignment, start
        for a in range(ASSIGNMENTS_PER_CLASS):
            for c in range(1, classes + 1):
                for k in range(class_size):
                    if len(self.plan) == n_attempts:
                        break
                    sid = (c - 1) * class_size + k + 1
                    start = T0 + timedelta(days=7 * a, minutes=self.rng.randrange(0, 5 * 24 * 60))
                    self.plan.append((len(self.plan) + 1, sid, self.assignment_id(c, a), start))
        self.picks = [
            [self.rng.randrange(len(self.per_question[i][3])) for i in range(self.per_attempt)]
            for _ in range(len(self.plan))
        ]
        self.max_score = sum(p[1] for p in self.per_question)

    def teacher_rows(self) -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Teacher.__table__)
        yield r.tuple(
            {
                "id": 1,
                "email": "bench@school.example",
                "display_name": "Bench",
                "password_hash": "x",
                "created_at": self.load.when(T0),
            }
        )

    def class_rows(self) -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Klass.__table__)
        for c in range(1, self.classes + 1):
            yield r.tuple(
                {
                    "id": c,
                    "teacher_id": 1,
                    "name": f"Year {7 + c % 5} group {c}",
                    "join_code": f"BENCH{c:05d}",
                    "created_at": self.load.when(T0),
                }
            )

    def student_rows(self) -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Student.__table__)
        for c in range(1, self.classes + 1):
            for k in range(self.class_size):
                sid = (c - 1) * self.class_size + k + 1
                yield r.tuple(
                    {
                        "id": sid,
                        "display_name": f"{self.rng.choice(FIRST_NAMES)} {sid:05d}",
                        "class_id": c,
                        "reentry_code": f"R{sid:08d}",
                        "created_at": self.load.when(T0),
                        "last_seen_at": self.load.when(T0),
                    }
                )

    @staticmethod
    def assignment_id(c: int, a: int) -> int:
        return (c - 1) * ASSIGNMENTS_PER_CLASS + a + 1

    def assignment_rows(self) -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Assignment.__table__)
        when = self.load.when
        for c in range(1, self.classes + 1):
            for a in range(ASSIGNMENTS_PER_CLASS):
                opens = T0 + timedelta(days=7 * a)
                yield r.tuple(
                    {
                        "id": self.assignment_id(c, a),
                        "class_id": c,
                        "bank_id": self.bank_id,
                        "title": f"Week {a + 1}: reading the news",
                        "selection": "all",
                        "selection_config": "{}",
                        "opens_at": when(opens),
                        "closes_at": when(opens + timedelta(days=6)),
                        "attempts_allowed": 1,
                        "grading": "highest",
                        "feedback": m.FEEDBACK_AFTER_SUBMIT,
                        "shuffle_questions": False,
                        "shuffle_options": True,
                        "created_at": when(opens),
                    }
                )

    def attempt_rows(self) -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Attempt.__table__)
        left = self.answers
        for (aid, sid, asg, start), pick in zip(self.plan, self.picks, strict=True):
            n = min(self.per_attempt, left)
            left -= n
            score = sum(self.per_question[i][3][pick[i]]["points"] for i in range(n))
            yield r.tuple(
                {
                    "id": aid,
                    "bank_id": self.bank_id,
                    "article_id": self.article_id,
                    "student_id": sid,
                    "assignment_id": asg,
                    "number": 1,
                    "mode": "assignment",
                    "feedback": m.FEEDBACK_AFTER_SUBMIT,
                    "status": m.ATTEMPT_SUBMITTED,
                    "started_at": self.load.when(start),
                    "submitted_at": self.load.when(start + timedelta(minutes=25)),
                    "score": score,
                    "max_score": self.max_score,
                }
            )

    def slot_rows(self) -> Iterator[tuple[Any, ...]]:
        r = Rows(m.AttemptSlot.__table__)
        for aid, _sid, _asg, _start in self.plan:
            for i, (vid, points, state, _c) in enumerate(self.per_question):
                yield r.tuple(
                    {
                        "id": (aid - 1) * self.per_attempt + i + 1,
                        "attempt_id": aid,
                        "position": i + 1,
                        "question_version_id": vid,
                        "state": state,
                        "points": points,
                    }
                )

    def answer_rows(self) -> Iterator[tuple[Any, ...]]:
        r = Rows(m.Answer.__table__)
        n = 0
        for (aid, _sid, _asg, start), pick in zip(self.plan, self.picks, strict=True):
            for i, (vid, _points, _state, choices) in enumerate(self.per_question):
                if n == self.answers:
                    return
                n += 1
                at = self.load.when(start + timedelta(seconds=30 * (i + 1)))
                yield r.tuple(
                    {
                        "id": n,
                        "attempt_id": aid,
                        "slot_id": (aid - 1) * self.per_attempt + i + 1,
                        "question_version_id": vid,
                        "answered_at": at,
                        "updated_at": at,
                        **choices[pick[i]],
                    }
                )


def populate(url: str, answers: int, classes: int, class_size: int, seed: int = 7) -> dict:
    """A school's year of stored answers, inserted straight into the tables."""
    engine = make_engine(url)
    year = Year(engine, answers, classes, class_size, seed)
    tables = [
        (m.Teacher.__table__, year.teacher_rows),
        (m.Klass.__table__, year.class_rows),
        (m.Student.__table__, year.student_rows),
        (m.Assignment.__table__, year.assignment_rows),
        (m.Attempt.__table__, year.attempt_rows),
        (m.AttemptSlot.__table__, year.slot_rows),
        (m.Answer.__table__, year.answer_rows),
    ]
    counts: dict[str, int] = {}
    for table, rows in tables:
        t = time.perf_counter()
        counts[table.name] = year.load.insert(table, rows())
        note(f"  {table.name}: {counts[table.name]} rows in {time.perf_counter() - t:.1f}s")
    year.load.finish([t for t, _ in tables])
    engine.dispose()
    return counts
