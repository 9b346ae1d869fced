"""What every rule shares: the warning, the thresholds, and small helpers to place a
warning on a question or on the bank."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from quiz.domain.loadedbank import LoadedBank
from quiz.questions.base import Path, Question

#: a key this much longer than the longest distractor (both ratio and characters) cues it
KEY_LONGER_RATIO = 1.3
KEY_LONGER_CHARS = 12
#: share of the bank's single-choice items whose key is the longest option (chance: ~1/4)
KEY_LONGEST_SHARE = 0.5
#: ...and this many times as often as chance would make it (for the key-position rule too)
OVER_CHANCE = 1.5
#: share of choice items whose (first) key sits in the same position
KEY_POSITION_SHARE = 0.5
#: bank-wide share rules need this many items to mean anything
MIN_ITEMS_FOR_SHARE = 4
#: quoted passages shorter than this many words are not checked against the article
MIN_QUOTE_WORDS = 3
#: a non-verbatim quote is taken as meant to quote the article when a run of this many
#: words of it is in the article and covers at least this share of its words
QUOTE_RUN_WORDS = 2
QUOTE_RUN_SHARE = 0.5
MAX_QUOTE_WORDS = 60  # longer quotes are compared by their first 60 words
#: a classify item needs at least this share of sentences in the bank's plain category
PLAIN_SHARE_MIN = 0.25
#: a pair of numbers may appear in at most this many items
REUSED_PAIR_MAX = 3
#: numbers below this are not counted for reuse (paragraph numbers, "6 times")
REUSED_NUMBER_MIN = 10
#: whole numbers in this range are taken for years (a setting's dates), not reused figures
YEARS = (1900, 2100)
#: numbers of formulas, not of examples ("÷ 100")
FORMULA_NUMBERS = frozenset({100.0})


@dataclass(frozen=True)
class BankWarning:
    file: str
    line: int
    question: str | None  # None: about the bank as a whole
    rule: str
    message: str
    questions: tuple[str, ...] = ()  # the items a bank-wide warning is about

    def __str__(self) -> str:
        where = f"question {self.question}" if self.question else "bank"
        return f"{self.file}:{self.line}: {where}: warning {self.rule}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "question": self.question,
            "rule": self.rule,
            "message": self.message,
            "questions": list(self.questions),
        }

    def concerns(self, question_id: str) -> bool:
        return self.question == question_id or question_id in self.questions


Rule = Callable[[LoadedBank], Iterable[BankWarning]]


def at(bank: LoadedBank, n: int, q: Question, rule: str, message: str, *path: Any) -> BankWarning:
    return BankWarning(bank.file, bank.line(("questions", n, *path)), q.id, rule, message)


def bank_wide(bank: LoadedBank, rule: str, message: str, ids: Iterable[str]) -> BankWarning:
    return BankWarning(bank.file, bank.line(("questions",)), None, rule, message, tuple(ids))


def ids_text(ids: list[str], most: int = 6) -> str:
    return ", ".join(ids[:most]) + (f" and {len(ids) - most} more" if len(ids) > most else "")


def options_of(q: Question) -> list[Any]:
    return list(getattr(q, "options", ()))


def singles(bank: LoadedBank) -> Iterator[tuple[int, Question]]:
    for n, q in enumerate(bank.questions):
        if q.type == "single" and len(options_of(q)) >= 2:
            yield n, q


def prose_fields(q: Question) -> Iterator[tuple[Path, str]]:
    """Each prose field of a question that may quote the article, with its path."""
    yield ("prompt",), q.prompt
    yield ("explanation",), q.explanation
    for name in ("options", "answers", "wrong", "sentences", "distractors"):
        for i, item in enumerate(getattr(q, name, ()) or ()):
            feedback = getattr(item, "feedback", "")
            if feedback:
                yield (name, i, "feedback"), feedback
    otherwise = getattr(q, "otherwise", "")  # a text question's feedback for any other answer
    if otherwise:
        yield ("otherwise",), otherwise
