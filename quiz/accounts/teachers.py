"""Teachers' accounts as data: find, create, authenticate, change the password, end
every session (by the account's generation), and the key failed logins are limited
by. Used by the pages and by the CLI commands; no Flask."""

from __future__ import annotations

import functools

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from quiz.accounts.forms import normalise_email
from quiz.store import models as m
from quiz.store import ratelimit
from quiz.store.db import utcnow


class EmailTaken(Exception):
    """Another teacher already has this e-mail address."""


def find_teacher(db: Session, email: str) -> m.Teacher | None:
    email = normalise_email(email)
    return db.scalar(select(m.Teacher).where(func.lower(m.Teacher.email) == email))


def create_teacher(
    db: Session, email: str, password: str, display_name: str = "", logged_in: bool = False
) -> m.Teacher:
    """A new teacher, committed; raises EmailTaken if the address is in use."""
    email = normalise_email(email)
    if find_teacher(db, email) is not None:
        raise EmailTaken(email)
    teacher = m.Teacher(
        email=email,
        display_name=" ".join(display_name.split()),
        password_hash=generate_password_hash(password),
        last_login_at=utcnow() if logged_in else None,
    )
    db.add(teacher)
    try:
        db.commit()
    except IntegrityError as exc:  # the same address signed up at the same moment
        db.rollback()
        raise EmailTaken(email) from exc
    return teacher


def set_password(db: Session, teacher: m.Teacher, password: str) -> None:
    """Change the password (committed), end every session of the account and lift
    any block on logging in."""
    teacher.password_hash = generate_password_hash(password)
    teacher.session_generation = (teacher.session_generation or 0) + 1
    db.commit()
    ratelimit.clear(db, login_key(teacher.email))


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not anyone's password")


def password_ok(stored: str, password: str) -> bool:
    try:
        return check_password_hash(stored, password)
    except (ValueError, TypeError):  # an unknown or damaged hash never matches
        return False


def authenticate(db: Session, email: str, password: str) -> m.Teacher | None:
    """The teacher with this e-mail and password, or None. An unknown address costs
    as much time as a known one, so timing does not tell which addresses exist."""
    teacher = find_teacher(db, email)
    if teacher is None:
        password_ok(_dummy_hash(), password)
        return None
    return teacher if password_ok(teacher.password_hash, password) else None


def end_sessions(db: Session, teacher: m.Teacher) -> None:
    """Every session cookie of the account, this browser's too, is refused from now
    on (committed)."""
    teacher.session_generation = (teacher.session_generation or 0) + 1
    db.commit()


def login_key(email: str) -> str:
    """The rate limit's key for logging in as ``email`` (a long one is shortened by
    quiz.store.ratelimit.stored_key, as every key is)."""
    return f"login:{normalise_email(email)}"
