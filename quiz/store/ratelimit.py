"""Failed-try limits kept in the database, shared by every worker and host.

``check`` says whether a key is blocked now; ``fail`` counts a failure and
blocks the key for a growing time once it has failed ``limit`` times within
``window``; ``clear`` forgets it after a success. No IP address is ever used:
callers name what they limit (an e-mail, a join code with a browser id).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz.store.db import utcnow
from quiz.store.models import RateLimit


def blocked_until(session: Session, key: str, now: datetime | None = None) -> datetime | None:
    """When the key is free again, or None if it is free now."""
    now = now or utcnow()
    row = session.get(RateLimit, key)
    if row is not None and row.blocked_until is not None and row.blocked_until > now:
        return row.blocked_until
    return None


def fail(
    session: Session,
    key: str,
    limit: int = 5,
    window: timedelta = timedelta(minutes=15),
    base_block: timedelta = timedelta(seconds=30),
    now: datetime | None = None,
) -> datetime | None:
    """Count a failure (committing it). Returns the time the key is blocked until,
    once it has failed ``limit`` times; each further failure doubles the wait."""
    now = now or utcnow()
    for _ in range(3):
        row = session.scalar(select(RateLimit).where(RateLimit.key == key).with_for_update())
        if row is None:
            session.add(RateLimit(key=key, count=1, window_start=now))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            return None if limit > 1 else now + base_block
        if now - row.window_start > window and (
            row.blocked_until is None or row.blocked_until <= now
        ):
            row.count, row.window_start, row.blocked_until = 1, now, None
        else:
            row.count += 1
            if row.count >= limit:
                extra = min(row.count - limit, 10)
                row.blocked_until = now + base_block * (2**extra)
        until = row.blocked_until
        session.commit()
        return until
    return None


def clear(session: Session, key: str) -> None:
    session.execute(delete(RateLimit).where(RateLimit.key == key))
    session.commit()
