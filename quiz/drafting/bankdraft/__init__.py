"""A draft question bank from an annotation (the format of question_banks/README.md).

Percent items with fresh numbers for each claim, a missing-baseline item per
claim keyed from what the article leaves out, a classify item over a balanced
sample of sentences (about a third plain), highlight items for loaded words
and for the writer's advocacy. Every wrong value or option names its
misconception; explanations quote the article. Every question is marked
``draft: true`` (never given to students until the teacher publishes it) and
carries a ``# Draft:`` comment saying what it was drafted from; the bank's title
and description say it is a draft.

What lives where (pure Python: no Flask, no SQLAlchemy, no ``quiz.store``; each
imports the standard library, PyYAML, ``quiz.domain.article``, the rest of
``quiz.drafting`` and only the modules listed above it):

- ``terms``: the bank's skills, categories, misconceptions, check options.
- ``numbers``: reading a claim's figure; numbers written as a person writes them.
- ``drafter``: the ``Drafter`` state (ids, codes, quotes) and the numeric item.
- ``percent``: worked percent items, one drafter per kind of claim.
- ``baseline``: the missing-baseline item of a claim.
- ``reporting``: the classify item and the loaded-word and advocacy highlights.
- ``assembly``: which claims get items, the bank, its YAML (``draft_bank_yaml``).
"""

from __future__ import annotations

from quiz.drafting.bankdraft.assembly import NothingToDraft, draft_bank, draft_bank_yaml
from quiz.drafting.bankdraft.drafter import MAX_DRAFTED_CLAIMS
from quiz.drafting.bankdraft.terms import (
    CATEGORIES,
    CATEGORY_MISCONCEPTION,
    CHECK_OPTION,
    MISCONCEPTIONS,
    SKILLS,
    VOICE_CATEGORY,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_MISCONCEPTION",
    "CHECK_OPTION",
    "MAX_DRAFTED_CLAIMS",
    "MISCONCEPTIONS",
    "SKILLS",
    "VOICE_CATEGORY",
    "NothingToDraft",
    "draft_bank",
    "draft_bank_yaml",
]
