"""Small data factories for tests (CTFd's gen_* style)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from quiz.classes import roster as classes
from quiz.store import models as m
from quiz.store.db import utcnow
from tests.helpers import csrf

PASSWORD = "correct horse battery staple"


def gen_teacher(session: Session, email: str = "teacher@example.org") -> m.Teacher:
    teacher = m.Teacher(
        email=email,
        display_name=email.split("@")[0],
        password_hash=generate_password_hash(PASSWORD),
    )
    session.add(teacher)
    session.flush()
    return teacher


def gen_class(session: Session, teacher: m.Teacher, name: str = "Year 9 English") -> m.Klass:
    return classes.create_class(session, teacher, name)


def shipped_bank(session: Session) -> m.Bank:
    return session.scalars(select(m.Bank).where(m.Bank.slug == "ice-assaults-500")).one()


def gen_assignment(session: Session, klass: m.Klass, **settings: Any) -> m.Assignment:
    values: dict[str, Any] = {
        "title": "Reading the 500% headline",
        "bank": shipped_bank(session),
        "opens_at": utcnow() - timedelta(hours=1),
        "closes_at": utcnow() + timedelta(days=1),
        "attempts_allowed": 1,
        "grading": "highest",
        "feedback": m.FEEDBACK_AFTER_SUBMIT,
    }
    values.update(settings)
    assignment = m.Assignment(klass=klass, **values)
    session.add(assignment)
    session.flush()
    return assignment


def login(client: FlaskClient, email: str = "teacher@example.org", password: str = PASSWORD) -> Any:
    page = client.get("/teacher/login")
    return client.post(
        "/teacher/login",
        data={
            "csrf_token": csrf(page.get_data(as_text=True)),
            "email": email,
            "password": password,
        },
    )


def join(client: FlaskClient, code: str, name: str) -> Any:
    page = client.get("/join")
    return client.post(
        "/join",
        data={"csrf_token": csrf(page.get_data(as_text=True)), "code": code, "display_name": name},
    )
