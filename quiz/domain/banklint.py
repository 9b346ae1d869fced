"""Item-writing lint for a loaded bank: flaws that cost careful students points or give
test-wise students free marks. Warnings, not errors: ``flask --app quiz bank check``
prints them and exits 0 unless ``--strict``.

Each rule is a small function taking the bank and yielding ``BankWarning``s; the
thresholds are the named constants below. Pure Python: no Flask, no database.
The rules are documented, each with a bad and a good example, in
``question_banks/README.md``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from quiz.domain.article import normalise
from quiz.domain.bankcheck import run_checks
from quiz.domain.banks import BankError, LoadedBank, format_path
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


def _at(bank: LoadedBank, n: int, q: Question, rule: str, message: str, *path: Any) -> BankWarning:
    return BankWarning(bank.file, bank.line(("questions", n, *path)), q.id, rule, message)


def _bank_wide(bank: LoadedBank, rule: str, message: str, ids: Iterable[str]) -> BankWarning:
    return BankWarning(bank.file, bank.line(("questions",)), None, rule, message, tuple(ids))


def _ids(ids: list[str], most: int = 6) -> str:
    return ", ".join(ids[:most]) + (f" and {len(ids) - most} more" if len(ids) > most else "")


def _options(q: Question) -> list[Any]:
    return list(getattr(q, "options", ()))


def _singles(bank: LoadedBank) -> Iterator[tuple[int, Question]]:
    for n, q in enumerate(bank.questions):
        if q.type == "single" and len(_options(q)) >= 2:
            yield n, q


# -- key length ------------------------------------------------------------------------


def key_longest(bank: LoadedBank) -> Iterator[BankWarning]:
    """A single-choice key much longer than every distractor is picked unread."""
    for n, q in _singles(bank):
        options = _options(q)
        key = max(range(len(options)), key=lambda i: options[i].credit)
        others = [len(o.text) for i, o in enumerate(options) if i != key and o.credit < 1]
        if not others:
            continue
        k, longest = len(options[key].text), max(others)
        if k >= longest * KEY_LONGER_RATIO and k - longest >= KEY_LONGER_CHARS:
            yield _at(
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
    items = list(_singles(bank))
    if len(items) < MIN_ITEMS_FOR_SHARE:
        return
    longest = []
    chance = 0.0  # how many keys would be the longest if lengths were drawn at random
    for _, q in items:
        options = _options(q)
        key = max(range(len(options)), key=lambda i: options[i].credit)
        chance += 1 / len(options)
        if all(len(options[key].text) > len(o.text) for i, o in enumerate(options) if i != key):
            longest.append(q.id)
    if len(longest) > KEY_LONGEST_SHARE * len(items) and len(longest) >= OVER_CHANCE * chance:
        yield _bank_wide(
            bank,
            "key-longest-share",
            f"the key is the longest option in {len(longest)} of {len(items)} single-choice "
            f"items ({_ids(longest)}): choosing the longest option scores well unread",
            longest,
        )


# -- key position ----------------------------------------------------------------------


def key_position(bank: LoadedBank) -> Iterator[BankWarning]:
    """With shuffling off (an assignment setting) a key always in one place is free marks."""
    positions: dict[int, list[str]] = defaultdict(list)
    chance: dict[int, float] = defaultdict(float)  # expected count in a random order
    count = 0
    for q in bank.questions:
        if q.type not in ("single", "multiple"):
            continue
        options = _options(q)
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
        yield _bank_wide(
            bank,
            "key-position",
            f"a right option is option {where + 1} in {len(ids)} of {count} choice items "
            f"({_ids(ids)}): with shuffling off, picking option {where + 1} scores well; "
            "vary the keyed positions in the file",
            ids,
        )


# -- quotes ------------------------------------------------------------------------------

_QUOTED = re.compile(r"\"([^\"\n]+)\"|“([^”\n]+)”")
_ELLIPSIS = re.compile(r"…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]")
_WORD = re.compile(r"[\w%]+(?:['’][\w]+)*")
_EDGES = " \t.,;:!?'\"()[]*_-"
#: words that do not make a shared run of words a quote ("to a", "of the")
_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    }
)


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def _texts(q: Question) -> Iterator[tuple[Path, str]]:
    """Each prose field of a question that may quote the article, with its path."""
    yield ("prompt",), q.prompt
    yield ("explanation",), q.explanation
    for name in ("options", "answers", "wrong", "sentences", "distractors"):
        for i, item in enumerate(getattr(q, name, ()) or ()):
            feedback = getattr(item, "feedback", "")
            if feedback:
                yield (name, i, "feedback"), feedback
    if getattr(q, "otherwise", ""):
        yield ("otherwise",), q.otherwise


def _own_words(bank: LoadedBank) -> set[str]:
    """The bank's labels and the students' answers: quoting them is not quoting the article."""
    own = {*bank.skills.values(), *bank.categories.values(), *bank.categories}
    for q in bank.questions:
        for name in ("options", "answers", "wrong"):
            own.update(getattr(item, "text", "") for item in getattr(q, name, ()) or ())
        own.update(c.answer for c in q.checks if isinstance(c.answer, str))
    return {normalise(t).strip(_EDGES) for t in own if isinstance(t, str) and t}


def _purports(fragment: str, source_words: list[str]) -> bool:
    """Whether a fragment not found verbatim still reads as a quote of the article: a run
    of its words is in the article and covers much of it."""
    words = _words(fragment)[:MAX_QUOTE_WORDS]
    joined = " " + " ".join(source_words) + " "
    best = 0
    for i in range(len(words)):
        for j in range(len(words), i + best, -1):
            run = words[i:j]
            if set(run) - _FUNCTION_WORDS and " " + " ".join(run) + " " in joined:
                best = j - i
                break
    return best >= QUOTE_RUN_WORDS and best >= QUOTE_RUN_SHARE * len(words)


def misquote(bank: LoadedBank) -> Iterator[BankWarning]:
    """A passage in quotation marks that reads as the article's words must be verbatim."""
    source = normalise(f"{bank.article.title}\n{bank.article.text}")
    source_words = _words(source)
    own = _own_words(bank)
    for n, q in enumerate(bank.questions):
        for path, text in _texts(q):
            for m in _QUOTED.finditer(text):
                passage = (m[1] or m[2]).replace("*", "").replace("_", " ")
                if len(_words(passage)) < MIN_QUOTE_WORDS:
                    continue
                if normalise(passage).strip(_EDGES) in own:
                    continue
                fragments = [f for f in _ELLIPSIS.split(passage) if _words(f)]
                missing = _not_found(fragments, source)
                if not missing or not any(_purports(f, source_words) for f in missing):
                    continue
                shown = " ".join(passage.split())
                shown = shown if len(shown) <= 60 else shown[:59] + "…"
                yield _at(
                    bank,
                    n,
                    q,
                    "misquote",
                    f"{format_path(path)} quotes “{shown}”, which is not verbatim in the article: "
                    "students check quotes against the text; quote it exactly or drop the marks",
                    *path,
                )


def _not_found(fragments: list[str], source: str) -> list[str]:
    """The fragments (of a quote cut by ellipses) not in ``source`` in their order."""
    missing, at = [], 0
    for fragment in fragments:
        wanted = normalise(fragment).strip(_EDGES)
        found = source.find(wanted, at)
        if found < 0:
            missing.append(fragment)
        else:
            at = found + len(wanted)
    return missing


# -- classify: the plain category --------------------------------------------------------


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
            yield _at(
                bank,
                n,
                q,
                "plain-share",
                f"only {count} of {len(sentences)} sentences are “{bank.categories[plain]}”: "
                "a student who suspects every sentence scores well; "
                f"make at least {PLAIN_SHARE_MIN:.0%} plain",
                "sentences",
            )


# -- misconceptions ----------------------------------------------------------------------


def _wrong_answers(q: Question) -> Iterator[tuple[Path, Any]]:
    """Each wrong answer a question anticipates (those that may carry a misconception)."""
    for i, o in enumerate(getattr(q, "options", ()) or ()):
        if o.credit < 1:
            yield ("options", i), o
    for name in ("wrong", "distractors", "sentences"):
        for i, item in enumerate(getattr(q, name, ()) or ()):
            yield (name, i), item
    for i, a in enumerate(getattr(q, "answers", ()) or ()):
        if a.credit < 1:
            yield ("answers", i), a


def misconception_skill(bank: LoadedBank) -> Iterator[BankWarning]:
    """A wrong answer's misconception should belong to the skill the item teaches."""
    skills = bank.misconception_skills
    if not skills:
        return
    for n, q in enumerate(bank.questions):
        for path, item in _wrong_answers(q):
            code = getattr(item, "misconception", None)
            if code and code in skills and skills[code] != q.skill:
                yield _at(
                    bank,
                    n,
                    q,
                    "misconception-skill",
                    f"{format_path(path)} is tagged {code}, a misconception of skill "
                    f"“{skills[code]}”, in a “{q.skill}” item: the student is told to watch "
                    "out for a mistake they did not make; tag the mistake this answer shows",
                    *path,
                    "misconception",
                )


def untagged(bank: LoadedBank) -> Iterator[BankWarning]:
    """An item whose wrong answers carry no misconception diagnoses nothing."""
    for n, q in enumerate(bank.questions):
        wrong = list(_wrong_answers(q))
        if any(getattr(item, "misconception", None) for _, item in wrong):
            continue
        what = "wrong option" if q.type in ("single", "multiple") else "anticipated wrong answer"
        if q.type in ("classify", "highlight"):
            what = "sentence" if q.type == "classify" else "distractor"
        yield _at(
            bank,
            n,
            q,
            "untagged",
            f"no {what} is tagged with a misconception: a wrong answer teaches nothing "
            "beyond “wrong” and results cannot show which mistake is common",
        )


def unprobed_misconception(bank: LoadedBank) -> Iterator[BankWarning]:
    """A skill's misconception in the catalogue that no wrong answer is tagged with is
    never diagnosed (Oppia's coverage check): the results cannot show it."""
    skills = bank.misconception_skills
    if not skills:
        return
    probed = {
        getattr(item, "misconception", None)
        for q in bank.questions
        for _path, item in _wrong_answers(q)
    }
    for code, skill in skills.items():
        if code not in probed:
            yield BankWarning(
                bank.file,
                bank.line(("misconceptions", code)),
                None,
                "unprobed-misconception",
                f"{code}, a misconception of skill “{skill}”, tags no wrong answer: no "
                "answer can reveal it, so the results never show it; tag the wrong answer "
                "that shows this mistake, or drop it from the catalogue",
            )


def missing_feedback(bank: LoadedBank) -> Iterator[BankWarning]:
    """Feedback on each wrong answer and an explanation are optional, but teach."""
    for n, q in enumerate(bank.questions):
        missing: list[Path] = [
            (*path, "feedback")
            for path, item in _wrong_answers(q)
            if not (getattr(item, "feedback", "") or "").strip()
        ]
        if not (q.explanation or "").strip():
            missing.append(("explanation",))
        if not missing:
            continue
        where = _ids([format_path(p) for p in missing])
        yield _at(
            bank,
            n,
            q,
            "missing-feedback",
            f"missing {where}: a student who gets it wrong reads only “That is not right.”; "
            "say why the wrong answer is tempting and the reasoning",
            *missing[0],
        )


# -- numbers -------------------------------------------------------------------------------

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
    texts = [text for _, text in _texts(q)]
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
        yield _bank_wide(
            bank,
            "reused-numbers",
            f"the numbers {listed} recur across {len(ids)} items ({_ids(ids)}; "
            f"{_plain(most[0])} with {_plain(most[1])} in {len(pairs[most])}): "
            "students recall the answer instead of working it; vary them",
            ids,
        )


def _plain(x: float) -> str:
    return f"{x:,.0f}" if x.is_integer() else f"{x:g}"


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
