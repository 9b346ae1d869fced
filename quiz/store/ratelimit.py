"""Failed-try limits kept in the database, shared by every worker and host.

``check`` says whether a key is blocked now; ``fail`` counts a failure and
blocks the key for a growing time once it has failed ``limit`` times within
``window``; ``clear`` forgets it after a success. No IP address is ever used:
callers name what they limit (an e-mail, a join code with a browser id).
A key longer than the column holds is stored as its start and a digest of
the whole (``stored_key``): a stranger's 5,000-character code is limited like
any other, not a database error.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz.store.db import utcnow
from quiz.store.models import RateLimit

KEY_LENGTH = 255  # rate_limit.key is VARCHAR(255)


def stored_key(key: str) -> str:
    """The key as the table holds it: itself when it fits (in characters and in
    UTF-8 bytes, for any database), else its first 40 characters and a SHA-256
    of the whole, so two long keys that differ anywhere stay apart."""
    if len(key.encode("utf-8")) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{key[:40]}…{digest}"


def blocked_until(session: Session, key: str, now: datetime | None = None) -> datetime | None:
    """When the key is free again, or None if it is free now."""
    row = session.get(RateLimit, stored_key(key))
    return still_blocked(row.blocked_until if row is not None else None, now)


def still_blocked(until: datetime | None, now: datetime | None = None) -> datetime | None:
    """A row's ``blocked_until`` if it is still to come (when the key is free again),
    else None: for a caller that read the row with something else."""
    return until if until is not None and until > (now or utcnow()) else None


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
    key = stored_key(key)
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
    session.execute(delete(RateLimit).where(RateLimit.key == stored_key(key)))
    session.commit()
