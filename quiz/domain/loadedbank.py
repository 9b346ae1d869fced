"""A validated bank (``LoadedBank``) and the digest that identifies content
(``digest``: the sha256 of its canonical JSON). Pure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from quiz.domain.article import Article
from quiz.domain.bankyaml import Lines
from quiz.questions import BankContext, Question
from quiz.questions.base import Path


@dataclass
class LoadedBank:
    file: str
    id: str
    title: str
    description: str
    article: Article
    skills: dict[str, str]
    categories: dict[str, str]
    misconceptions: dict[str, str]
    questions: list[Question] = field(default_factory=list)
    #: a misconception code's skill, when the catalogue says it (``CODE: {text:, skill:}``)
    misconception_skills: dict[str, str] = field(default_factory=dict)
    #: the category of plain, checkable statements (``plain_category:``), if the bank names one
    plain_category: str | None = None
    lines: Lines | None = field(default=None, repr=False, compare=False)

    def line(self, path: Path) -> int:
        """The file line of a place in the bank (``("questions", 3, "options", 1)``)."""
        return self.lines.line(path) if self.lines is not None else 0

    def summary(self) -> dict[str, Any]:
        skills: dict[str, int] = {}
        types: dict[str, int] = {}
        for q in self.questions:
            skills[q.skill] = skills.get(q.skill, 0) + 1
            types[q.type] = types.get(q.type, 0) + 1
        return {
            "file": self.file,
            "id": self.id,
            "title": self.title,
            "questions": len(self.questions),
            "drafts": sum(1 for q in self.questions if q.draft),  # not published yet
            "skills": skills,
            "types": types,
        }

    def context(self) -> BankContext:
        return BankContext(self.article, self.skills, self.categories, self.misconceptions)

    def sha256(self) -> str:
        return digest(
            {
                "title": self.title,
                "description": self.description,
                "article": self.article.to_dict(),
                "skills": self.skills,
                "categories": self.categories,
                "misconceptions": self.misconceptions,
                "questions": [q.to_spec() for q in self.questions],
            }
        )


def digest(data: Any) -> str:
    """The sha256 of ``data``'s canonical JSON: what identifies a bank, an article or a
    question version."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
