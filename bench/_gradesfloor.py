"""The grades export's floor for bench/export.py: a plain ``csv.writer`` over a raw
DB-API cursor with the export's own statements, batches and discernment reads (no
ORM, no cell escaping or formatting, nothing decoded)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def _sql(stmt: Any, dialect: Any, **params: Any) -> tuple[str, Any]:
    """A public statement of the quiz as SQL text and parameters for a raw cursor
    (expanding ``IN`` lists rendered for these values)."""
    state = stmt.compile(dialect=dialect).construct_expanded_state(params)
    if dialect.positional:
        return state.statement, state.positional_parameters
    return state.statement, state.parameters


def grades_floor(cur: Any, engine: Any, writer: Any, assignments: list[Any]) -> int:
    """As the export: the students, the attempts and the skill sums per GRADES_BATCH
    assignments, with the export's own statements (quiz.reports.reads), then the
    discernment reads of the batch's counted attempts (``_JudgedFloor``)."""
    from quiz.reports.exports import GRADES_BATCH, GRADES_COLUMNS
    from quiz.reports.reads import SKILL_SUMS, ordered_attempts

    skills_of = {
        a[0]: list(json.loads(a[4]) if isinstance(a[4], str) else a[4]) for a in assignments
    }
    keys: list[str] = []
    for ks in skills_of.values():
        keys += [k for k in ks if k not in keys]
    writer.writerow([*GRADES_COLUMNS, *(f"skill_{k}_percent" for k in keys)])
    dialect = engine.dialect
    judged = _JudgedFloor(cur, engine)
    rows = 0
    for start in range(0, len(assignments), GRADES_BATCH):
        batch = assignments[start : start + GRADES_BATCH]
        ids = [a[0] for a in batch]
        mark = "?" if dialect.name == "sqlite" else "%s"
        class_ids = sorted({a[1] for a in batch})
        cur.execute(
            "SELECT id, display_name, class_id FROM student "
            f"WHERE class_id IN ({', '.join([mark] * len(class_ids))})",
            class_ids,
        )
        roster = defaultdict(list)
        for sid, name, cid in cur.fetchall():
            roster[cid].append((sid, name))
        cur.execute(*_sql(ordered_attempts(), dialect, ids=ids))
        attempts = defaultdict(list)
        for r in cur.fetchall():
            attempts[(r[0], r[2])].append(r[1:])
        cur.execute(*_sql(SKILL_SUMS, dialect, ids=ids))
        sums: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
        for attempt_id, skill, earned, possible in cur.fetchall():
            sums[attempt_id][skill] = (earned, possible)
        made = []
        for aid, cid, title, slug, _skills, cname, code in batch:
            for sid, name in sorted(roster[cid], key=lambda s: (s[1].casefold(), s[0])):
                mine = attempts.get((aid, sid), [])
                made.append(
                    _grades_floor_row(mine, sums, keys, cname, code, sid, name, aid, title, slug)
                )
        judged.read([best for _row, best in made if best is not None])
        writer.writerows(row for row, _best in made)
        rows += len(made)
    return rows


class _JudgedFloor:
    """The export's two discernment statements (``quiz.reports.judgements``: the
    versions the counted attempts hold, then their answers that say something),
    compiled once and fetched on the raw cursor as the export fetches them
    (``PARTITION`` rows at a time), nothing decoded. Which versions carry judgements
    is known once, before the first batch (the export judges them from the content
    cache)."""

    def __init__(self, cur: Any, engine: Any) -> None:
        from quiz.reports.judgements import ATTEMPT_ANSWERS, HELD_VERSIONS, PARTITION

        dialect = engine.dialect
        self.cur, self.dialect, self.size = cur, dialect, PARTITION
        self.held = HELD_VERSIONS.compile(dialect=dialect)
        self.answers = ATTEMPT_ANSWERS.compile(dialect=dialect)
        self.judging = _judging_versions(engine)

    def _execute(self, compiled: Any, **params: Any) -> None:
        state = compiled.construct_expanded_state(params)
        args = dict(state.parameters)
        processors = {**compiled._bind_processors, **state.processors}
        for name, process in processors.items():  # SQLite's JSON path: $."key"
            if name in args:
                args[name] = process(args[name])
        if self.dialect.positional:
            self.cur.execute(state.statement, tuple(args[n] for n in state.positiontup or ()))
        else:
            self.cur.execute(state.statement, args)

    def read(self, attempt_ids: list[int]) -> int:
        """The batch's discernment rows, fetched and dropped: how many."""
        if not attempt_ids:
            return 0
        self._execute(self.held, ids=attempt_ids)
        judging = sorted(r[0] for r in self.cur.fetchall() if r[0] in self.judging)
        self._execute(self.answers, ids=attempt_ids, judging=judging)
        got = 0
        while part := self.cur.fetchmany(self.size):
            got += len(part)
        return got


def _judging_versions(engine: Any) -> set[int]:
    """The question versions that carry judgements, once (the quiz's own questions)."""
    from sqlalchemy.orm import load_only

    from quiz.domain.discernment import is_judgement
    from quiz.services.content import question_of
    from quiz.store import models as m

    v = m.QuestionVersion
    with Session(engine) as session:
        found = session.scalars(select(v).options(load_only(v.id, v.sha256, v.article_id)))
        return {x.id for x in found if is_judgement(question_of(x))}


def _grades_floor_row(
    mine: list[Any], sums: dict[int, dict[str, tuple[float, float]]], keys: list[str], *cells: Any
) -> tuple[list[Any], int | None]:
    """A grades row the plain way, no escaping, and the attempt it counts: the best
    submitted one."""
    done = [a for a in mine if a[3] == "submitted"]
    best = max(done, key=lambda a: a[6] or 0.0) if done else None
    skill = sums.get(best[0], {}) if best else {}
    return [
        *cells,
        "submitted" if done else ("in progress" if mine else "not started"),
        len(mine),
        best[6] if best else "",
        best[7] if best else "",
        100.0 * best[6] / best[7] if best and best[7] else "",
        mine[0][4] if mine else "",
        best[5] if best else "",
        *(100.0 * skill[k][0] / skill[k][1] if k in skill and skill[k][1] else "" for k in keys),
    ], best[0] if best else None
