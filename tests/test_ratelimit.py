"""Failed-try limits (quiz/store/ratelimit.py) on keys of any length, on both databases."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from quiz.store import ratelimit
from quiz.store.db import session_scope, utcnow
from quiz.store.models import RateLimit


def test_a_key_longer_than_the_column_is_limited_not_an_error(app: Flask) -> None:
    long_a = "join:" + "9" * 5000 + ":browser"
    long_b = "join:" + "9" * 4999 + "8:browser"  # differs only near the end
    now = utcnow()
    with session_scope(app) as s:
        for _ in range(3):
            until = ratelimit.fail(s, long_a, limit=3, window=timedelta(minutes=10), now=now)
        assert until is not None and until > now
        assert ratelimit.blocked_until(s, long_a, now=now) == until
        assert ratelimit.blocked_until(s, long_b, now=now) is None
        keys = list(s.scalars(RateLimit.__table__.select().with_only_columns(RateLimit.key)))
        assert len(keys) == 1 and len(keys[0].encode()) <= ratelimit.KEY_LENGTH
        ratelimit.clear(s, long_a)
        assert ratelimit.blocked_until(s, long_a, now=now) is None


def test_short_keys_are_stored_as_they_are() -> None:
    assert ratelimit.stored_key("join:ABC123:b1") == "join:ABC123:b1"
    wide = "é" * 200  # 200 characters, 400 bytes
    assert ratelimit.stored_key(wide) != wide
    assert len(ratelimit.stored_key(wide).encode()) <= ratelimit.KEY_LENGTH
    assert ratelimit.stored_key(wide) != ratelimit.stored_key("é" * 199 + "e")
