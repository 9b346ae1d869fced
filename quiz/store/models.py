"""Typed ORM models (SQLAlchemy 2.0 style)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz.store.db import Base, UTCDateTime, utcnow

ATTEMPT_IN_PROGRESS = "in_progress"
ATTEMPT_SUBMITTED = "submitted"

FEEDBACK_IMMEDIATE = "immediate"  # after each answer; the answer is then final
FEEDBACK_AFTER_SUBMIT = "after_submit"
FEEDBACK_AFTER_CLOSE = "after_close"
FEEDBACK_NEVER = "never"
FEEDBACK_CHOICES = (FEEDBACK_IMMEDIATE, FEEDBACK_AFTER_SUBMIT, FEEDBACK_AFTER_CLOSE, FEEDBACK_NEVER)

GRADING_CHOICES = ("highest", "last", "first", "average")
SELECTION_CHOICES = ("all", "skills", "manual", "random")


class Article(Base):
    """An article's text as it was split; immutable, shared by content hash."""

    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Bank(Base):
    __tablename__ = "bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20), default="file")  # file | web
    # None for banks loaded from files (read-only in the browser); else the author.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True
    )
    source_path: Mapped[str | None] = mapped_column(Text)
    skills: Mapped[dict[str, str]] = mapped_column(JSON)
    categories: Mapped[dict[str, str]] = mapped_column(JSON)
    misconceptions: Mapped[dict[str, str]] = mapped_column(JSON)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="bank", order_by="Question.position"
    )


class Question(Base):
    """A question's identity within a bank; its content lives in versions."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("bank_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, ondelete="SET NULL")
    )

    bank: Mapped[Bank] = relationship(back_populates="questions")
    current_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question",
        foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.version",
    )


class QuestionVersion(Base):
    """Immutable content of one question as students saw it."""

    __tablename__ = "question_version"
    __table_args__ = (
        UniqueConstraint("question_id", "version"),
        UniqueConstraint("question_id", "sha256"),
        CheckConstraint("points > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(30))
    skill: Mapped[str] = mapped_column(String(50))
    points: Mapped[float] = mapped_column(Float)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    # What the spec was read against: the article (quotes) and the bank's labels.
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"))
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions", foreign_keys=[question_id])
    article: Mapped[Article] = relationship()


class Teacher(Base):
    __tablename__ = "teacher"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Copied into each session at login and checked on every request: logging out,
    # "log out everywhere" and a new password add one, so every earlier session
    # cookie of the account is worth nothing.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    classes: Mapped[list[Klass]] = relationship(back_populates="teacher", order_by="Klass.name")


class Klass(Base):
    """A class of students (``class`` is a Python keyword)."""

    __tablename__ = "class"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    join_code: Mapped[str] = mapped_column(String(20), unique=True)
    retention_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teacher: Mapped[Teacher] = relationship(back_populates="classes")
    students: Mapped[list[Student]] = relationship(
        back_populates="klass", order_by="Student.display_name"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="klass", order_by="Assignment.opens_at"
    )


class Student(Base):
    """A student known only by a display name, their browser's session and, in a
    class, a personal re-entry code. No e-mail, no password, no IP address."""

    __tablename__ = "student"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(60))
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("class.id", ondelete="CASCADE"), index=True
    )
    reentry_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    klass: Mapped[Klass | None] = relationship(back_populates="students")


class Assignment(Base):
    """A bank (or part of it) set for a class, with the usual quiz settings."""

    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint("attempts_allowed >= 0", name="attempts_nonnegative"),
        CheckConstraint(
            "time_limit_minutes IS NULL OR time_limit_minutes > 0", name="time_limit_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class.id", ondelete="CASCADE"), index=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"))
    title: Mapped[str] = mapped_column(String(200))
    # all | skills (config: {"skills": [...]}) | manual ({"questions": [keys]})
    # | random ({"per_skill": n}, drawn per attempt)
    selection: Mapped[str] = mapped_column(String(20), default="all")
    selection_config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=1)  # 0: unlimited
    grading: Mapped[str] = mapped_column(String(20), default="highest")
    feedback: Mapped[str] = mapped_column(String(20), default=FEEDBACK_AFTER_SUBMIT)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    klass: Mapped[Klass] = relationship(back_populates="assignments")
    bank: Mapped[Bank] = relationship()


class ExtraTime(Base):
    """Extra minutes a student gets on every timed assignment of their class."""

    __tablename__ = "extra_time"
    __table_args__ = (CheckConstraint("minutes >= 0", name="minutes_nonnegative"),)

    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), primary_key=True
    )
    minutes: Mapped[int] = mapped_column(Integer, default=0)


class RateLimit(Base):
    """Failed tries counted in the database, so every worker and host sees them.
    Keys name what is limited, e.g. ``login:<email>`` or ``join:<code>:<browser>``."""

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attempt(Base):
    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("student_id", "assignment_id", "number"),
        CheckConstraint(
            f"status IN ('{ATTEMPT_IN_PROGRESS}', '{ATTEMPT_SUBMITTED}')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer, default=1)  # 1st, 2nd... of this student
    mode: Mapped[str] = mapped_column(String(20), default="practice")
    feedback: Mapped[str] = mapped_column(String(20), default=FEEDBACK_IMMEDIATE)
    status: Mapped[str] = mapped_column(String(20), default=ATTEMPT_IN_PROGRESS, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # time limit or close
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)

    bank: Mapped[Bank] = relationship()
    article: Mapped[Article] = relationship()
    student: Mapped[Student] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    slots: Mapped[list[AttemptSlot]] = relationship(
        back_populates="attempt", order_by="AttemptSlot.position"
    )
    answers: Mapped[list[Answer]] = relationship(back_populates="attempt")

    @property
    def submitted(self) -> bool:
        return self.status == ATTEMPT_SUBMITTED

    @property
    def closes_at(self) -> datetime | None:
        """When the assignment closes (None in practice or with no close)."""
        return self.assignment.closes_at if self.assignment else None


class AttemptSlot(Base):
    """One question of an attempt: which version, and state chosen at the start."""

    __tablename__ = "attempt_slot"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    points: Mapped[float] = mapped_column(Float)

    attempt: Mapped[Attempt] = relationship(back_populates="slots")
    question_version: Mapped[QuestionVersion] = relationship()


class Answer(Base):
    """A student's answer to one slot: the raw response and how it was graded."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("attempt_id", "slot_id"),
        CheckConstraint("fraction >= 0 AND fraction <= 1", name="fraction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("attempt_slot.id", ondelete="CASCADE"))
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text, default="")
    fraction: Mapped[float] = mapped_column(Float)
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    grade: Mapped[dict[str, Any]] = mapped_column(JSON)  # feedback and classification
    # answered, not completely ("2 of 4 labelled": the words are in the grade), for
    # the question list of every question page without reading the grade's JSON
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    misconception: Mapped[str | None] = mapped_column(String(60))
    classification: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    slot: Mapped[AttemptSlot] = relationship()
