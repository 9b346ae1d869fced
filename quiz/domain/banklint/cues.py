"""Rules on cues a test-wise student scores with unread: the key is the longest option,
the key sits in one position, a classify item with too few plain sentences."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from quiz.domain.banklint.common import (
    KEY_LONGER_CHARS,
    KEY_LONGER_RATIO,
    KEY_LONGEST_SHARE,
    KEY_POSITION_SHARE,
    MIN_ITEMS_FOR_SHARE,
    OVER_CHANCE,
    PLAIN_SHARE_MIN,
    BankWarning,
    at,
    bank_wide,
    ids_text,
    options_of,
    singles,
)
from quiz.domain.loadedbank import LoadedBank


def key_longest(bank: LoadedBank) -> Iterator[BankWarning]:
    """A single-choice key much longer than every distractor is picked unread."""
    for n, q in singles(bank):
        options = options_of(q)
        key = max(range(len(options)), key=lambda i: options[i].credit)
        others = [len(o.text) for i, o in enumerate(options) if i != key and o.credit < 1]
        if not others:
            continue
        k, longest = len(options[key].text), max(others)
        if k >= longest * KEY_LONGER_RATIO and k - longest >= KEY_LONGER_CHARS:
            yield at(
                bank,
                n,
                q,
                "key-longest",
                f"the key is {k} characters, the longest distractor {longest}: "
                "test-wise students pick the longest option; balance the lengths",
                "options",
                key,
            )


def key_longest_share(bank: LoadedBank) -> Iterator[BankWarning]:
    """Over the bank, the key should be the longest option about as often as chance."""
    items = list(singles(bank))
    if len(items) < MIN_ITEMS_FOR_SHARE:
        return
    longest = []
    chance = 0.0  # how many keys would be the longest if lengths were drawn at random
    for _, q in items:
        options = options_of(q)
        key = max(range(len(options)), key=lambda i: options[i].credit)
        chance += 1 / len(options)
        if all(len(options[key].text) > len(o.text) for i, o in enumerate(options) if i != key):
            longest.append(q.id)
    if len(longest) > KEY_LONGEST_SHARE * len(items) and len(longest) >= OVER_CHANCE * chance:
        yield bank_wide(
            bank,
            "key-longest-share",
            f"the key is the longest option in {len(longest)} of {len(items)} single-choice "
            f"items ({ids_text(longest)}): choosing the longest option scores well unread",
            longest,
        )


def key_position(bank: LoadedBank) -> Iterator[BankWarning]:
    """With shuffling off (an assignment setting) a key always in one place is free marks."""
    positions: dict[int, list[str]] = defaultdict(list)
    chance: dict[int, float] = defaultdict(float)  # expected count in a random order
    count = 0
    for q in bank.questions:
        if q.type not in ("single", "multiple"):
            continue
        options = options_of(q)
        right = [i for i, o in enumerate(options) if o.credit == 1]
        if len(options) < 2 or not right:
            continue
        count += 1
        positions[right[0]].append(q.id)
        n, k = len(options), len(right)
        for p in range(n - k + 1):  # the first right option is at p: k - 1 more after it
            chance[p] += math.comb(n - p - 1, k - 1) / math.comb(n, k)
    if count < MIN_ITEMS_FOR_SHARE:
        return
    where, ids = max(positions.items(), key=lambda kv: len(kv[1]))
    if len(ids) > KEY_POSITION_SHARE * count and len(ids) >= OVER_CHANCE * chance[where]:
        yield bank_wide(
            bank,
            "key-position",
            f"a right option is option {where + 1} in {len(ids)} of {count} choice items "
            f"({ids_text(ids)}): with shuffling off, picking option {where + 1} scores well; "
            "vary the keyed positions in the file",
            ids,
        )


def plain_share(bank: LoadedBank) -> Iterator[BankWarning]:
    """Blanket suspicion (label nothing plain) should not score well on a classify item."""
    plain = bank.plain_category
    if not plain:
        return
    for n, q in enumerate(bank.questions):
        if q.type != "classify" or plain not in dict(getattr(q, "categories", ())):
            continue
        sentences = list(getattr(q, "sentences", ()))
        count = sum(1 for s in sentences if s.category == plain)
        if sentences and count < PLAIN_SHARE_MIN * len(sentences):
            yield at(
                bank,
                n,
                q,
                "plain-share",
                f"only {count} of {len(sentences)} sentences are “{bank.categories[plain]}”: "
                "a student who suspects every sentence scores well; "
                f"make at least {PLAIN_SHARE_MIN:.0%} plain",
                "sentences",
            )
