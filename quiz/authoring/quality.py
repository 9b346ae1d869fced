"""A bank's item-writing warnings and its questions' checks, for the authoring pages.

The same lint (``quiz.domain.banklint``) and the same checks (``quiz.domain.bankcheck``) as
``flask --app quiz bank check``, run on a bank document (a stored bank, or one
with a question being edited and not saved yet).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quiz.domain.bankcheck import Outcome, run_checks
from quiz.domain.banklint import BankWarning, lint
from quiz.domain.banks import BankError, LoadedBank, parse_bank_data
from quiz.domain.rendering import plural

FORM = "form"


@dataclass
class Review:
    warnings: list[BankWarning] = field(default_factory=list)
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)  # question id -> runs

    def about(self, question_id: str) -> list[BankWarning]:
        """The warnings about one question, bank-wide ones that name it included."""
        return [w for w in self.warnings if w.concerns(question_id)]

    @property
    def bank_wide(self) -> list[BankWarning]:
        return [w for w in self.warnings if w.question is None]

    def summary(self, question_id: str) -> str:
        """``3 checks: all pass`` / ``3 checks: 1 failing`` / ``""`` (no checks)."""
        runs = self.outcomes.get(question_id, [])
        if not runs:
            return ""
        failed = sum(1 for o in runs if not o.passed)
        if not failed:
            return f"{plural(len(runs), 'check')}: all pass"
        return f"{plural(len(runs), 'check')}: {failed} failing"


def review(doc: Mapping[str, Any]) -> tuple[Review | None, list[BankError]]:
    """Lint a bank document and run its checks; ``None`` and the problems if it is invalid."""
    loaded, errors = parsed(doc)
    return (None, errors) if loaded is None else (reviewed(loaded), [])


def parsed(doc: Mapping[str, Any]) -> tuple[LoadedBank | None, list[BankError]]:
    """A bank document (a form's or ``stored_document``'s) as a loaded bank, or the
    problems; ``doc`` is left as it was."""
    return parse_bank_data(copy.deepcopy(dict(doc)), FORM, allow_empty=True)


def reviewed(loaded: LoadedBank) -> Review:
    """A loaded bank linted and its checks run."""
    return Review(lint(loaded), {q.id: run_checks(q, loaded.article) for q in loaded.questions})
