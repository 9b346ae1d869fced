"""What a type's ``judgements`` are made of: one ``Judgement`` per thing the bank marks
sound or flawed (question_banks/README.md, "Judgements"), and the rule for an option.

Here, not in ``quiz.domain.discernment`` (which scores judgements and re-exports
``Judgement``), so that a type can import it: discernment imports ``quiz.questions``.
Imports nothing of the package."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Judgement:
    """One verdict: whether the thing is flawed and whether the student said so."""

    flawed: bool  # the bank's key
    said_flawed: bool  # the student's verdict
    skill: str = ""
    about: str = ""  # a sentence id or an option id, for reading only


def option_flawed(option: Any) -> bool:
    """What an option is about is what the option says when the option is right
    (full credit), the opposite when it is not."""
    says_flawed = option.judgement == "flawed"
    right = option.credit >= 1.0 - 1e-9
    return says_flawed if right else not says_flawed
