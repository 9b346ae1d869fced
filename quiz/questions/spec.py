"""Reading a question's part of a bank file: the path of a field inside a question,
the problems found there, and ``BankContext``, what a question type may consult while
parsing (the article, the bank's skills, categories and misconceptions) and where it
reports problems. Pure Python."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quiz.domain.article import Article

Path = tuple[str | int, ...]

# Bounded by the columns that hold them (answer.misconception, question.key and bank.slug).
CODE_RE = re.compile(r"\A[A-Z][A-Z0-9_]{0,59}\Z")
ID_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\Z")


@dataclass
class Problem:
    """One problem in a bank, at ``path`` relative to the question (or the bank)."""

    path: Path
    message: str


@dataclass
class BankContext:
    """What a question type may consult while parsing, and where it reports problems."""

    article: Article
    skills: Mapping[str, str]
    categories: Mapping[str, str]
    misconceptions: Mapping[str, str] | None
    problems: list[Problem] = field(default_factory=list)

    def error(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    # Helpers shared by the types -------------------------------------------------

    def require_text(self, data: Mapping[str, Any], key: str, path: Path = ()) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.error((*path, key), "is required")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.error((*path, key), "must be text")
            return ""
        return str(value).strip()

    def optional_text(self, data: Mapping[str, Any], key: str, path: Path = ()) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.error((*path, key), "must be text")
            return ""
        return str(value).strip()

    def number(
        self, data: Mapping[str, Any], key: str, path: Path = (), default: float | None = None
    ) -> float | None:
        value = data.get(key, default)
        if value is None:
            if default is None:
                self.error((*path, key), "is required")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error((*path, key), f"must be a number, not {value!r}")
            return default
        return float(value)

    def credit(self, data: Mapping[str, Any], path: Path, default: float = 0.0) -> float:
        """``credit: 0..1``, or ``correct: true`` as a shorthand for credit 1."""
        if "credit" in data:
            value = self.number(data, "credit", path, default)
            if value is None or not 0 <= value <= 1:
                self.error((*path, "credit"), "must be between 0 and 1")
                return default
            return value
        correct = data.get("correct", False)
        if not isinstance(correct, bool):
            self.error((*path, "correct"), "must be true or false")
            return default
        return 1.0 if correct else default

    def misconception(self, data: Mapping[str, Any], path: Path) -> str | None:
        code = data.get("misconception")
        if code is None:
            return None
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.error(
                (*path, "misconception"),
                f"{code!r} is not a code like MULT_OFFBYONE (at most 60 characters)",
            )
            return None
        if self.misconceptions is not None and code not in self.misconceptions:
            known = ", ".join(sorted(self.misconceptions)) or "none"
            self.error(
                (*path, "misconception"),
                f"unknown misconception {code!r} (the bank's catalogue has: {known})",
            )
            return None
        return code

    def quote(self, data: Mapping[str, Any], key: str, path: Path) -> str | None:
        """Resolve a quoted sentence (or a fragment of exactly one) to its sentence id."""
        text = self.require_text(data, key, path)
        if not text:
            return None
        found = self.article.find(text)
        if not found:
            self.error((*path, key), f"quote not found in the article: {text[:80]!r}")
            return None
        if len(found) > 1:
            ids = ", ".join(s.id for s in found)
            self.error((*path, key), f"quote matches several sentences ({ids}); quote more")
            return None
        return found[0].id

    def items(self, data: Mapping[str, Any], key: str, path: Path = ()) -> list[Any]:
        value = data.get(key)
        if value is None:
            self.error((*path, key), "is required")
            return []
        if not isinstance(value, list):
            self.error((*path, key), "must be a list")
            return []
        if not value:
            self.error((*path, key), "must not be empty")
        return value

    def mapping(self, value: Any, path: Path) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.error(path, "must be a mapping of fields")
            return None
        return value
