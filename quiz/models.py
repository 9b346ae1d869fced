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

from quiz.db import Base, UTCDateTime, utcnow

ATTEMPT_IN_PROGRESS = "in_progress"
ATTEMPT_SUBMITTED = "submitted"

FEEDBACK_IMMEDIATE = "immediate"  # after each answer; the answer is then final
FEEDBACK_AFTER_SUBMIT = "after_submit"


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
    origin: Mapped[str] = mapped_column(String(20), default="file")
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


class Student(Base):
    """A student known only by a display name and their browser's session."""

    __tablename__ = "student"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attempt(Base):
    __tablename__ = "attempt"
    __table_args__ = (
        CheckConstraint(
            f"status IN ('{ATTEMPT_IN_PROGRESS}', '{ATTEMPT_SUBMITTED}')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(20), default="practice")
    feedback: Mapped[str] = mapped_column(String(20), default=FEEDBACK_IMMEDIATE)
    status: Mapped[str] = mapped_column(String(20), default=ATTEMPT_IN_PROGRESS, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)

    bank: Mapped[Bank] = relationship()
    article: Mapped[Article] = relationship()
    student: Mapped[Student] = relationship()
    slots: Mapped[list[AttemptSlot]] = relationship(
        back_populates="attempt", order_by="AttemptSlot.position"
    )
    answers: Mapped[list[Answer]] = relationship(back_populates="attempt")

    @property
    def submitted(self) -> bool:
        return self.status == ATTEMPT_SUBMITTED


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
    misconception: Mapped[str | None] = mapped_column(String(60))
    classification: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    slot: Mapped[AttemptSlot] = relationship()
