"""The reused-numbers rule: the same figures across many items."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator

from quiz.domain.banklint.common import (
    FORMULA_NUMBERS,
    REUSED_NUMBER_MIN,
    REUSED_PAIR_MAX,
    YEARS,
    BankWarning,
    bank_wide,
    ids_text,
    prose_fields,
)
from quiz.domain.loadedbank import LoadedBank
from quiz.questions.base import Question

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> set[float]:
    out = set()
    for m in _NUMBER.finditer(text):
        try:
            out.add(float(m[0].replace(",", "")))
        except ValueError:
            continue
    return out


def _year(x: float) -> bool:
    return x.is_integer() and YEARS[0] <= x <= YEARS[1]


def _item_numbers(q: Question, exclude: set[float]) -> set[float]:
    """The numbers an item works with: in its prompt, options, answers, feedback and
    explanation (worked examples count: a student meets them too)."""
    texts = [text for _, text in prose_fields(q)]
    texts += [o.text for o in getattr(q, "options", ()) or ()]
    texts += [getattr(a, "text", "") for a in getattr(q, "answers", ()) or ()]
    found = set().union(*(_numbers(t) for t in texts))
    found |= {a.value for a in getattr(q, "answers", ()) or () if hasattr(a, "value")}
    return {x for x in found - exclude - FORMULA_NUMBERS if x >= REUSED_NUMBER_MIN and not _year(x)}


def reused_numbers(bank: LoadedBank) -> Iterator[BankWarning]:
    """The same made-up numbers in many items let students recall rather than work. Pairs
    that share a number (10 and 50, 10 and 60) make one warning."""
    article = _numbers(f"{bank.article.title} {bank.article.text}")
    pairs: dict[tuple[float, float], list[str]] = defaultdict(list)
    for q in bank.questions:
        for pair in itertools.combinations(sorted(_item_numbers(q, article)), 2):
            pairs[pair].append(q.id)
    groups: list[tuple[set[float], list[tuple[float, float]]]] = []
    for pair in sorted(p for p, ids in pairs.items() if len(ids) > REUSED_PAIR_MAX):
        joined = [g for g in groups if g[0] & set(pair)]
        numbers, members = set(pair), [pair]
        for g in joined:
            groups.remove(g)
            numbers |= g[0]
            members += g[1]
        groups.append((numbers, members))
    order = {q.id: n for n, q in enumerate(bank.questions)}
    for numbers, members in groups:
        ids = sorted({i for pair in members for i in pairs[pair]}, key=order.__getitem__)
        most = max(members, key=lambda p: len(pairs[p]))
        shown = [_plain(x) for x in sorted(numbers)]
        listed = ", ".join(shown[:-1]) + f" and {shown[-1]}"
        yield bank_wide(
            bank,
            "reused-numbers",
            f"the numbers {listed} recur across {len(ids)} items ({ids_text(ids)}; "
            f"{_plain(most[0])} with {_plain(most[1])} in {len(pairs[most])}): "
            "students recall the answer instead of working it; vary them",
            ids,
        )


def _plain(x: float) -> str:
    return f"{x:,.0f}" if x.is_integer() else f"{x:g}"
