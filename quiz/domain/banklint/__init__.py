"""Item-writing lint for a loaded bank: flaws that cost careful students points or give
test-wise students free marks. Warnings, not errors: ``flask --app quiz bank check``
prints them and exits 0 unless ``--strict``.

Each rule is a small function taking the bank and yielding ``BankWarning``s; the
thresholds are the named constants below. Pure Python: no Flask, no database.
The rules are documented, each with a bad and a good example, in
``question_banks/README.md``.

The rules, grouped by what they check:

- ``cues``: what a test-wise student scores with unread (key length, key position,
  the plain share of a classify item);
- ``quotes``: passages in quotation marks that must be the article's words;
- ``feedback``: misconceptions and feedback on wrong answers;
- ``numbers``: figures reused across items;
- ``common``: ``BankWarning``, the thresholds, and helpers.

Pure: imports the domain and ``quiz.questions`` only.
"""

from __future__ import annotations

from quiz.domain.bankcheck import run_checks
from quiz.domain.banklint.common import BankWarning, Rule
from quiz.domain.banklint.cues import key_longest, key_longest_share, key_position, plain_share
from quiz.domain.banklint.feedback import (
    misconception_skill,
    missing_feedback,
    unprobed_misconception,
    untagged,
)
from quiz.domain.banklint.numbers import reused_numbers
from quiz.domain.banklint.quotes import misquote
from quiz.domain.bankyaml import BankError
from quiz.domain.loadedbank import LoadedBank

__all__ = ["RULES", "BankWarning", "Rule", "failed_checks", "lint"]

RULES: dict[str, Rule] = {
    "key-longest": key_longest,
    "key-longest-share": key_longest_share,
    "key-position": key_position,
    "misquote": misquote,
    "plain-share": plain_share,
    "misconception-skill": misconception_skill,
    "untagged": untagged,
    "unprobed-misconception": unprobed_misconception,
    "missing-feedback": missing_feedback,
    "reused-numbers": reused_numbers,
}


def lint(bank: LoadedBank) -> list[BankWarning]:
    """Every rule's warnings for the bank, in file order."""
    found = [w for rule in RULES.values() for w in rule(bank)]
    return sorted(found, key=lambda w: w.line)


def failed_checks(bank: LoadedBank) -> tuple[int, list[BankError]]:
    """Run every question's ``checks`` through the real grader: how many ran, and each
    failure as an error ``FILE:LINE: question ID: checks[N]: expected …, got … ("…")``."""
    ran = 0
    failures: list[BankError] = []
    for q in bank.questions:
        for n, outcome in enumerate(run_checks(q, bank.article)):
            ran += 1
            if not outcome.passed:
                line = outcome.check.line
                failures.append(BankError(bank.file, line, q.id, f"checks[{n}]", outcome.message))
    return ran, failures
