"""The missing-baseline item of a claim: which of the five things a reader needs
(baseline, period, definition, denominator, source) the whole article leaves
out; a "nothing is missing" item when it gives them all."""

from __future__ import annotations

from typing import Any

from quiz.drafting.annotate import ClaimNote
from quiz.drafting.bankdraft.drafter import Drafter
from quiz.drafting.bankdraft.terms import CHECK_OPTION
from quiz.drafting.checks import CHECKS


def missing_item(d: Drafter, c: ClaimNote, n: int) -> None:
    """The claim's missing-baseline (or nothing-missing) item."""
    missing = c.missing
    where = d.where(c)
    evidence = " ".join(
        f"{CHECK_OPTION[k]}: {'given' if c.checks[k].given else 'missing'}, {c.checks[k].reason}."
        for k in CHECKS
    )
    if missing:
        options: list[dict[str, Any]] = []
        for k in CHECKS:
            r = c.checks[k]
            if r.given:
                options.append(
                    {
                        "text": CHECK_OPTION[k],
                        "feedback": f"The article gives it: {r.reason}.",
                        "misconception": d.code("OVERSKEPTIC"),
                    }
                )
            else:
                options.append(
                    {
                        "text": CHECK_OPTION[k],
                        "correct": True,
                        "feedback": f"Missing: {r.reason}.",
                    }
                )
        options.append(
            {
                "text": "Nothing: the figure can be judged as it stands",
                "feedback": f"It cannot: {len(missing)} of the five things a reader "
                "needs are not in the article.",
                "misconception": d.code("COMPLETE_AS_STATED"),
            }
        )
        right = [o["text"] for o in options if o.get("correct")]
        d.add(
            f"missing-baseline item for {c.claim.sentence_id}",
            {
                "id": d.new_id(f"base-missing-{n}"),
                "type": "multiple",
                "skill": "baseline",
                "prompt": f"The article's figure: {where}. Which of these does the whole "
                "article leave out for it? Tick all that apply.",
                "options": options,
                "explanation": evidence,
                "checks": [
                    {"answer": right, "fraction": 1},
                    {
                        "answer": ["Nothing: the figure can be judged as it stands"],
                        "fraction": 0,
                        "misconception": "COMPLETE_AS_STATED",
                    },
                ],
            },
        )
    else:
        none = "None of them: the article gives all five"
        options = [
            {
                "text": CHECK_OPTION[k],
                "feedback": f"The article gives it: {c.checks[k].reason}.",
                "misconception": d.code("OVERSKEPTIC"),
            }
            for k in CHECKS
        ]
        options.insert(n % 6, {"text": none, "correct": True, "feedback": evidence})
        d.add(
            f"nothing-missing item for {c.claim.sentence_id}",
            {
                "id": d.new_id(f"base-complete-{n}"),
                "type": "single",
                "skill": "baseline",
                "prompt": f"The article's figure: {where}. Which of these does the whole "
                "article leave out for it?",
                "options": options,
                "explanation": evidence,
                "checks": [
                    {"answer": none, "fraction": 1},
                    {
                        "answer": CHECK_OPTION["period"],
                        "fraction": 0,
                        "misconception": "OVERSKEPTIC",
                    },
                ],
            },
        )
