"""A draft question bank from an annotation (the format of question_banks/README.md).

Percent items with fresh numbers for each claim, a missing-baseline item per
claim keyed from what the article leaves out, a classify item over a balanced
sample of sentences (about a third plain), highlight items for loaded words
and for the writer's advocacy. Every wrong value or option names its
misconception; explanations quote the article. Every question is marked
``draft: true`` (never given to students until the teacher publishes it) and
carries a ``# Draft:`` comment saying what it was drafted from; the bank's title
and description say it is a draft.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from quiz.domain.article import Article, normalise
from quiz.drafting.annotate import Annotation, ClaimNote
from quiz.drafting.checks import CHECKS

SKILLS = {
    "percent": "Evaluate percentage claims",
    "baseline": "Spot missing baselines",
    "reporting": "Separate reporting from advocacy",
}
CATEGORIES = {
    "attributed": "Attributed: credited to a named source",
    "vague": "Vague source: credited to someone no reader can check",
    "plain": "Plain statement: checkable, or background, in the writer's voice",
    "analysis": "Analysis: the writer's interpretation",
    "advocacy": "Advocacy: the writer says what should be done",
}
VOICE_CATEGORY = {
    "attributed_report": "attributed",
    "reported_advocacy": "attributed",
    "vague_attribution": "vague",
    "unattributed_assertion": "plain",
    "background": "plain",
    "analysis_opinion": "analysis",
    "advocacy": "advocacy",
}
MISCONCEPTIONS: dict[str, dict[str, str] | str] = {
    "MULT_OFFBYONE": {
        "text": "Reads an X% increase as X/100 times the start (a 500% increase is six times "
        "the start, not five).",
        "skill": "percent",
    },
    "OF_VS_INCREASE": {
        "text": "Confuses “X% of” a number with “an X% change” on it.",
        "skill": "percent",
    },
    "ADD_AS_COUNT": {
        "text": "Adds the percentage to the count as if it were a number of cases.",
        "skill": "percent",
    },
    "ASYMMETRY": {"text": "Thinks a rise of X% is undone by a fall of X%.", "skill": "percent"},
    "RATIO_AS_PCT": {
        "text": "Gives new ÷ old × 100 as the percent change, forgetting to subtract the start.",
        "skill": "percent",
    },
    "WRONG_DENOM": {
        "text": "Divides the change by the new value instead of the starting value.",
        "skill": "percent",
    },
    "DIFF_AS_PCT": {
        "text": "Gives the absolute difference as if it were a percentage.",
        "skill": "percent",
    },
    "PP_VS_PCT": {
        "text": "Confuses a change in percentage points with a percent change.",
        "skill": "percent",
    },
    "PCT_AS_NUMBER": {
        "text": "Uses a percentage as a plain number without dividing by 100 (a 500% rise "
        "taken as ×500).",
        "skill": "percent",
    },
    "PCT_AS_COUNT": {
        "text": "Takes a percentage or a rate for a count of cases.",
        "skill": "percent",
    },
    "COMPLETE_AS_STATED": {
        "text": "Takes a figure as complete although the article gives no starting number, "
        "period, definition, denominator or source for it.",
        "skill": "baseline",
    },
    "OVERSKEPTIC": "Rejects what the article does give, or a plainly attributed or checkable "
    "sentence, out of blanket suspicion.",
    "ATTRIBUTION_BLIND": {
        "text": "Misses who a sentence credits a claim to.",
        "skill": "reporting",
    },
    "VAGUE_SOURCE": {
        "text": "Takes a vague source (“some experts”, “critics”, “surveys”) for a named, "
        "checkable one.",
        "skill": "reporting",
    },
    "OPINION_AS_FACT": {
        "text": "Takes the writer's interpretation or call for action for a plain, checkable "
        "statement.",
        "skill": "reporting",
    },
    "ANALYSIS_AS_ADVOCACY": {
        "text": "Takes the writer's interpretation or verdict for a call for action.",
        "skill": "reporting",
    },
    "REPORTED_ADVOCACY_AS_WRITERS": {
        "text": "Takes advocacy the article reports (“advocates urge…”) for the writer's own.",
        "skill": "reporting",
    },
}
CHECK_OPTION = {
    "baseline": "The starting number or the absolute counts",
    "period": "The period the figure compares",
    "definition": "What exactly was counted",
    "denominator": "Out of how many: a denominator or exposure",
    "source": "A named source for the figure",
}
CATEGORY_MISCONCEPTION = {
    "attributed": "ATTRIBUTION_BLIND",
    "vague": "VAGUE_SOURCE",
    "plain": "OVERSKEPTIC",
    "analysis": "OPINION_AS_FACT",
    "advocacy": "OPINION_AS_FACT",
}
_FRACTIONS = {
    "half": 0.5,
    "a third": 1 / 3,
    "third": 1 / 3,
    "a quarter": 0.25,
    "quarter": 0.25,
    "a fifth": 0.2,
    "fifth": 0.2,
    "a tenth": 0.1,
    "tenth": 0.1,
    "two-thirds": 2 / 3,
    "two thirds": 2 / 3,
    "three-quarters": 0.75,
    "three quarters": 0.75,
}
_WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
} | {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a hundred": 100, "one hundred": 100}
_MULTIPLIER_WORDS = {
    "doubled": 2.0,
    "doubling": 2.0,
    "doubles": 2.0,
    "twice": 2.0,
    "tripled": 3.0,
    "trebled": 3.0,
    "tripling": 3.0,
    "triples": 3.0,
    "thrice": 3.0,
    "quadrupled": 4.0,
    "quadrupling": 4.0,
    "halved": 0.5,
    "halving": 0.5,
    "halves": 0.5,
}
_FALL = re.compile(
    r"\b(?:fell|fall|falls|falling|drop|drops|dropped|declin\w*|decreas\w*|lower|less|fewer|"
    r"down|cut|cuts|reduc\w*|plung\w*|plummet\w*|slump\w*|shr[ai]nk\w*|lost|dip\w*|slid|"
    r"tumbl\w*|sank|smaller|cheaper)\b",
    re.I,
)
# At most this many distinct claims get items: a draft of about 60 questions at most.
MAX_DRAFTED_CLAIMS = 15
# Fresh starting values for the worked items: none of them is a round 10 or 100,
# and each item takes the next one, so no pair of numbers repeats.
_STARTS = (24, 35, 48, 15, 64, 18, 75, 28, 44, 55, 36, 82, 26, 90, 32, 66)


def _number(text: str) -> float | None:
    t = text.lower().replace(",", "").strip()
    m = re.search(r"[-+]?\d+(?:\.\d+)?", t)
    if m:
        value = float(m.group(0))
        if re.search(r"\bmillion\b|\bm\b|mn\b", t):
            value *= 1e6
        elif re.search(r"\bbillion\b|\bbn\b", t):
            value *= 1e9
        elif re.search(r"\bthousand\b|\bk\b", t):
            value *= 1e3
        return value
    for word, value in sorted(_WORD_NUMBERS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{word}\b", t):
            return float(value)
    return None


def _fmt(value: float) -> str:
    """A number as a person writes it: 1,347 or 83.3."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.1f}"


def _round(value: float) -> float:
    return round(value, 1)


class _Drafter:
    def __init__(self, ann: Annotation, source: str) -> None:
        self.ann = ann
        self.source = source
        self.article = Article.from_text(ann.article.title, source, ann.article.body)
        self.questions: list[tuple[str, dict[str, Any]]] = []
        self.used_codes: set[str] = set()
        self.ids: set[str] = set()
        self.start_index = 0
        # my sentence id -> a quote that finds exactly that sentence in the bank's article
        # (found as the bank finds quotes: typography, case and spacing folded)
        self.quotes: dict[str, str] = {}
        joined = "\x00".join(normalise(b.text) for b in self.article.sentences)
        for note in ann.sentences:
            s = note.sentence
            wanted = normalise(s.text)
            if s.paragraph != 0 and wanted and joined.count(wanted) == 1:
                self.quotes[s.id] = s.text

    # helpers ------------------------------------------------------------
    def fresh_start(self) -> int:
        value = _STARTS[self.start_index % len(_STARTS)] + 100 * (self.start_index // len(_STARTS))
        self.start_index += 1
        return value

    def new_id(self, base: str) -> str:
        qid = base
        n = 2
        while qid in self.ids:
            qid = f"{base}-{n}"
            n += 1
        self.ids.add(qid)
        return qid

    def code(self, code: str) -> str:
        self.used_codes.add(code)
        return code

    def add(self, note: str, question: dict[str, Any] | None) -> None:
        if question is not None:
            self.questions.append((note, question))

    def where(self, claim: ClaimNote) -> str:
        sid = claim.claim.sentence_id
        if sid == "p0-s1":
            return f"the headline says “{claim.claim.text_span}”"
        return f"{sid} says “{claim.claim.text_span}”"

    # percent items ------------------------------------------------------
    def numeric(
        self,
        qid: str,
        prompt: str,
        unit: str,
        answer: float,
        right: str,
        wrong: list[tuple[float, str, str]],
        otherwise: str,
        explanation: str,
    ) -> dict[str, Any] | None:
        """A numeric item, or None when no anticipated wrong value differs from the key."""
        answer = _round(answer)
        if unit == "times":  # 1.4 times must not accept 1
            tolerance = max(0.01, round(abs(answer) * 0.01, 2))
        else:
            tolerance = max(0.5, round(abs(answer) * 0.01, 1))
        suffix = "%" if unit == "percent" else ""
        wrongs = []
        seen = {answer}
        for value, feedback, code in wrong:
            value = _round(value)
            if any(abs(value - v) <= tolerance for v in seen):
                continue
            seen.add(value)
            wrongs.append(
                {
                    "value": value,
                    "tolerance": tolerance,
                    "feedback": feedback,
                    "misconception": self.code(code),
                }
            )
        if not wrongs:
            return None
        checks: list[dict[str, Any]] = [{"answer": f"{_fmt(answer)}{suffix}", "fraction": 1}]
        for w in wrongs:
            checks.append(
                {
                    "answer": f"{_fmt(w['value'])}{suffix}",
                    "fraction": 0,
                    "misconception": w["misconception"],
                }
            )
        return {
            "id": qid,
            "type": "numeric",
            "skill": "percent",
            "unit": unit,
            "prompt": prompt,
            "answers": [{"value": answer, "tolerance": tolerance, "feedback": right}],
            "wrong": wrongs,
            "otherwise": otherwise,
            "explanation": explanation,
            "checks": checks,
        }

    def percent_items(self, c: ClaimNote, n: int) -> None:
        kind = c.claim.kind
        value = c.claim.stated_value
        where = self.where(c)
        sentence = self.ann.article.sentences
        text = next(s.text for s in sentence if s.id == c.claim.sentence_id)
        fall = bool(_FALL.search(c.claim.text_span)) or bool(
            _FALL.search(text[max(0, c.claim.start - 25) : c.claim.end + 15])
        )
        if kind == "percent_change":
            p = _number(value)
            if p is None:
                frac = next((f for w, f in _FRACTIONS.items() if w in value.lower()), None)
                if frac is None:
                    return
                p = frac * 100
            if p <= 0:
                return
            if fall and p >= 100:
                return
            s = self.fresh_start()
            sign = -1 if fall else 1
            new = s * (1 + sign * p / 100)
            word = "fall" if fall else "rise"
            self.add(
                f"percent item for {c.claim.sentence_id}",
                self.numeric(
                    self.new_id(f"pct-new-{n}"),
                    f"The article reports a {word} of {_fmt(p)}% ({where}). Suppose the starting "
                    f"count was {s}. What is the count after a {word} of {_fmt(p)}%?",
                    "number",
                    new,
                    f"{s} × (1 {'−' if fall else '+'} {_fmt(p)}/100) = {_fmt(_round(new))}.",
                    [
                        (
                            s * p / 100,
                            f"That is {_fmt(p)}% *of* {s}, not {s} changed by {_fmt(p)}%.",
                            "OF_VS_INCREASE" if fall or p < 100 else "MULT_OFFBYONE",
                        ),
                        (
                            s + sign * p,
                            f"You {'subtracted' if fall else 'added'} {_fmt(p)} as if it were "
                            "a count; a percentage is a share of the start.",
                            "ADD_AS_COUNT",
                        ),
                    ],
                    f"Multiply the start by (1 {'−' if fall else '+'} {_fmt(p)}/100).",
                    f"A {word} of {_fmt(p)}% changes the start by {_fmt(p)} hundredths of "
                    f"itself: new = old × (1 {'−' if fall else '+'} {_fmt(p)}/100). The "
                    f"article's own figure gives no starting count, which is why a made-up "
                    f"one is used here.",
                ),
            )
            times = 1 + sign * p / 100
            self.add(
                f"multiplier item for {c.claim.sentence_id}",
                self.numeric(
                    self.new_id(f"pct-multiplier-{n}"),
                    f"The article reports a {word} of {_fmt(p)}% ({where}). How many times the "
                    "starting value is the new value?",
                    "times",
                    times,
                    f"1 {'−' if fall else '+'} {_fmt(p)}/100 = {_fmt(_round(times))} times.",
                    [
                        (
                            p / 100,
                            f"{_fmt(p / 100)} times is {_fmt(p)}% *of* the start; the "
                            f"{word} {'takes it from' if fall else 'adds it to'} the start.",
                            "OF_VS_INCREASE" if fall else "MULT_OFFBYONE",
                        ),
                        (p, f"{_fmt(p)} is the percentage, not a multiplier.", "PCT_AS_NUMBER"),
                    ],
                    "The new value is the start times (1 ± the percentage ÷ 100).",
                    f"A {word} of {_fmt(p)}% makes the new value {_fmt(_round(times))} times "
                    "the start.",
                ),
            )
            back = p / (100 + p) * 100 if not fall else p / (100 - p) * 100
            back_word = "fall" if not fall else "rise"
            self.add(
                f"reverse-change item for {c.claim.sentence_id}",
                self.numeric(
                    self.new_id(f"pct-reverse-{n}"),
                    f"After a {word} of {_fmt(p)}% ({where}), what percent {back_word} would "
                    "bring the count back to where it started?",
                    "percent",
                    back,
                    f"{_fmt(p)} ÷ {_fmt(100 + p if not fall else 100 - p)} × 100 = "
                    f"{_fmt(_round(back))}%: the way back is measured from the new, "
                    f"{'larger' if not fall else 'smaller'} value.",
                    [
                        (
                            p,
                            f"A {back_word} of {_fmt(p)}% is measured from the new value, so "
                            "it does not undo the first change.",
                            "ASYMMETRY",
                        )
                    ],
                    "Work from the new value: how much must it change to get back to the start?",
                    f"Take a start of 100: after the {word} it is {_fmt(100 + sign * p)}; "
                    f"getting back to 100 changes it by {_fmt(p)} out of "
                    f"{_fmt(100 + sign * p)}, that is {_fmt(_round(back))}%.",
                ),
            )
        elif kind == "multiplier":
            k = next((f for w, f in _MULTIPLIER_WORDS.items() if w in value.lower()), None)
            if k is None:
                k = _number(value)
            if k is None or k <= 0 or k == 1:
                return
            change = (k - 1) * 100
            self.add(
                f"multiplier item for {c.claim.sentence_id}",
                self.numeric(
                    self.new_id(f"pct-times-{n}"),
                    f"The article says the figure changed {_fmt(k)}-fold ({where}). As a "
                    "percent change from the start, what is that?",
                    "percent",
                    change,
                    f"({_fmt(k)} − 1) × 100 = {_fmt(_round(change))}%.",
                    [
                        (
                            k * 100,
                            f"{_fmt(k * 100)}% is the new value as a percent of the old; the "
                            "change is that minus 100%.",
                            "RATIO_AS_PCT",
                        ),
                        (k, "That is the multiplier, not a percent change.", "DIFF_AS_PCT"),
                    ],
                    "Subtract 1 from the multiplier, then multiply by 100.",
                    f"{_fmt(k)} times the start is a change of {_fmt(_round(change))}%: "
                    "“doubled” is +100%, not +200%.",
                ),
            )
        elif kind == "percentage_points":
            values = re.findall(r"\d+(?:\.\d+)?", value.replace(",", ""))
            if value.startswith("from") and len(values) >= 2:
                a, b = float(values[0]), float(values[1])
                if a <= 0 or a == b:
                    return
                points = b - a
                pct = points / a * 100
                self.add(
                    f"points item for {c.claim.sentence_id}",
                    self.numeric(
                        self.new_id(f"pct-points-{n}"),
                        f"The article's figure moves from {_fmt(a)}% to {_fmt(b)}% ({where}). "
                        "By what percent did it change (not how many points)?",
                        "percent",
                        pct,
                        f"({_fmt(b)} − {_fmt(a)}) ÷ {_fmt(a)} × 100 = {_fmt(_round(pct))}%.",
                        [
                            (
                                points,
                                f"{_fmt(points)} is the change in percentage points, not the "
                                "percent change.",
                                "PP_VS_PCT",
                            ),
                            (
                                b / a * 100,
                                "That is the new value as a percent of the old.",
                                "RATIO_AS_PCT",
                            ),
                        ],
                        "Divide the change by the starting percentage.",
                        f"From {_fmt(a)}% to {_fmt(b)}% is {_fmt(abs(points))} percentage "
                        f"points, and a {_fmt(abs(_round(pct)))}% change: both describe one "
                        "move.",
                    ),
                )
            else:
                x = _number(value)
                if x is None or x <= 0:
                    return
                s = self.fresh_start() % 60 + 11
                sign = -1 if fall else 1
                self.add(
                    f"points item for {c.claim.sentence_id}",
                    self.numeric(
                        self.new_id(f"pct-points-{n}"),
                        f"The article reports a change of {_fmt(x)} percentage points "
                        f"({where}). Suppose the share was {s}% before. What is it after?",
                        "percent",
                        s + sign * x,
                        f"{s}% {'−' if fall else '+'} {_fmt(x)} points = {_fmt(s + sign * x)}%.",
                        [
                            (
                                s * (1 + sign * x / 100),
                                f"That treats {_fmt(x)} points as {_fmt(x)}%.",
                                "PP_VS_PCT",
                            )
                        ],
                        "Points are added to or taken from the percentage itself.",
                        "A change in percentage points is the difference between two "
                        "percentages; a percent change is that difference divided by the start.",
                    ),
                )
        elif kind in ("rate", "share"):
            pct = re.search(r"(\d+(?:\.\d+)?)\s?(?:%|percent|per cent)", value)
            frac = None
            if pct:
                frac = float(pct.group(1)) / 100
            else:
                nm = re.search(r"(\w+)\s+(?:in|out of)\s+(?:every\s+)?([\d,]+|\w+)", value)
                if nm:
                    top, bottom = _number(nm.group(1)), _number(nm.group(2))
                    if top and bottom:
                        frac = top / bottom
                else:
                    frac = next((f for w, f in _FRACTIONS.items() if w in value.lower()), None)
            if not frac or frac >= 1:
                return
            group = self.fresh_start() * 25
            count = group * frac
            self.add(
                f"rate-against-count item for {c.claim.sentence_id}",
                self.numeric(
                    self.new_id(f"pct-count-{n}"),
                    f"The article gives a {'rate' if kind == 'rate' else 'share'} ({where}). "
                    f"In a group of {group:,}, how many is that?",
                    "number",
                    count,
                    f"{group:,} × {_fmt(_round(frac * 100))}% = {_fmt(_round(count))}.",
                    [
                        (
                            frac * 100,
                            "That is the percentage itself, not a count of people or cases.",
                            "PCT_AS_COUNT",
                        )
                    ],
                    "Multiply the size of the group by the share.",
                    "A rate or share becomes a count only once you know the size of the "
                    "group it applies to: the denominator.",
                ),
            )
        elif kind == "count_change":
            nums = re.findall(r"[\d,]+(?:\.\d+)?(?:\s?(?:million|billion|thousand))?", value)
            if not value.startswith("from") or len(nums) < 2:
                return
            a, b = _number(nums[0]), _number(nums[1])
            if not a or not b or a == b:
                return
            pct = (b - a) / a * 100
            self.add(
                f"percent-change item for {c.claim.sentence_id}",
                self.numeric(
                    self.new_id(f"pct-change-{n}"),
                    f"The article's count goes from {_fmt(a)} to {_fmt(b)} ({where}). What "
                    "is the percent change?",
                    "percent",
                    pct,
                    f"({_fmt(b)} − {_fmt(a)}) ÷ {_fmt(a)} × 100 = {_fmt(_round(pct))}%.",
                    [
                        (b / a * 100, "That is new ÷ old × 100: subtract 100%.", "RATIO_AS_PCT"),
                        (
                            (b - a) / b * 100,
                            "You divided by the new value; divide by the old one.",
                            "WRONG_DENOM",
                        ),
                        (
                            b - a,
                            "That is the difference in the count, not a percentage.",
                            "DIFF_AS_PCT",
                        ),
                    ],
                    "Subtract the old value from the new, then divide by the old.",
                    "Percent change = (new − old) ÷ old × 100.",
                ),
            )

    # missing-baseline items ----------------------------------------------
    def missing_item(self, c: ClaimNote, n: int) -> None:
        missing = c.missing
        where = self.where(c)
        evidence = " ".join(
            f"{CHECK_OPTION[k]}: {'given' if c.checks[k].given else 'missing'}, "
            f"{c.checks[k].reason}."
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
                            "misconception": self.code("OVERSKEPTIC"),
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
                    "misconception": self.code("COMPLETE_AS_STATED"),
                }
            )
            right = [o["text"] for o in options if o.get("correct")]
            self.add(
                f"missing-baseline item for {c.claim.sentence_id}",
                {
                    "id": self.new_id(f"base-missing-{n}"),
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
                    "misconception": self.code("OVERSKEPTIC"),
                }
                for k in CHECKS
            ]
            options.insert(n % 6, {"text": none, "correct": True, "feedback": evidence})
            self.add(
                f"nothing-missing item for {c.claim.sentence_id}",
                {
                    "id": self.new_id(f"base-complete-{n}"),
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

    # reporting items ------------------------------------------------------
    def classify_item(self) -> None:
        by_cat: dict[str, list[Any]] = {}
        for note in self.ann.sentences:
            if note.sentence.id in self.quotes:
                by_cat.setdefault(VOICE_CATEGORY[note.voice.voice], []).append(note)
        if sum(len(v) for v in by_cat.values()) < 2:
            return
        total = min(9, sum(len(v) for v in by_cat.values()))
        plain_n = min(len(by_cat.get("plain", [])), max(1, round(total / 3)))
        chosen = list(by_cat.get("plain", [])[:plain_n])
        others = [k for k in CATEGORIES if k != "plain" and k in by_cat]
        i = 0
        pools = {k: list(by_cat[k]) for k in others}
        while len(chosen) < total and any(pools.values()):
            k = others[i % len(others)]
            if pools[k]:
                chosen.append(pools[k].pop(0))
            i += 1
        chosen += by_cat.get("plain", [])[plain_n : plain_n + total - len(chosen)]
        chosen.sort(key=lambda n: (n.sentence.paragraph, n.sentence.index))
        sentences = []
        answer = {}
        for note in chosen:
            cat = VOICE_CATEGORY[note.voice.voice]
            code = (
                "REPORTED_ADVOCACY_AS_WRITERS"
                if note.voice.voice == "reported_advocacy"
                else CATEGORY_MISCONCEPTION[cat]
            )
            sentences.append(
                {
                    "quote": self.quotes[note.sentence.id],
                    "category": cat,
                    "feedback": f"{CATEGORIES[cat].split(':')[0]}: {note.voice.reason}.",
                    "misconception": self.code(code),
                }
            )
            answer[note.sentence.id] = cat
        self.add(
            "classify item over a balanced sample",
            {
                "id": self.new_id("voice-classify"),
                "type": "classify",
                "skill": "reporting",
                "prompt": "Who is speaking in each sentence, and how? Label each one.",
                "sentences": sentences,
                "explanation": "A sentence that credits a named source is attributed, "
                "whatever it says; a source no reader can check is vague; otherwise the "
                "writer is speaking: advocacy says what should be done, analysis interprets, "
                "and a plain statement can be checked.",
                "checks": [{"answer": answer, "fraction": 1}],
            },
        )

    def highlight_item(self, kind: str) -> None:
        if kind == "loaded":
            right = [n for n in self.ann.sentences if n.loaded and n.sentence.id in self.quotes]
            wrong = [
                n
                for n in self.ann.sentences
                if not n.loaded
                and n.sentence.id in self.quotes
                and n.voice.voice in ("unattributed_assertion", "background", "attributed_report")
            ]
        else:
            right = [
                n
                for n in self.ann.sentences
                if n.voice.voice == "advocacy" and n.sentence.id in self.quotes
            ]
            wrong = [
                n
                for voice in ("reported_advocacy", "analysis_opinion", "unattributed_assertion")
                for n in self.ann.sentences
                if n.voice.voice == voice and n.sentence.id in self.quotes
            ]
        if not right:
            return
        right = right[:8]
        sentences = []
        for n in right:
            if kind == "loaded":
                words = ", ".join(f"“{w}”" for w in n.loaded)
                fb = f"Loaded: {words}, the writer's verdict rather than a neutral description."
            else:
                fb = f"Advocacy: {n.voice.reason}."
            sentences.append({"quote": self.quotes[n.sentence.id], "feedback": fb})
        distractors = []
        for n in wrong[:2]:
            if kind == "loaded":
                distractors.append(
                    {
                        "quote": self.quotes[n.sentence.id],
                        "feedback": "No loaded word here: the wording describes without judging.",
                        "misconception": self.code("OVERSKEPTIC"),
                    }
                )
            elif n.voice.voice == "reported_advocacy":
                distractors.append(
                    {
                        "quote": self.quotes[n.sentence.id],
                        "feedback": f"This reports someone else's call: {n.voice.reason}.",
                        "misconception": self.code("REPORTED_ADVOCACY_AS_WRITERS"),
                    }
                )
            elif n.voice.voice == "unattributed_assertion":
                distractors.append(
                    {
                        "quote": self.quotes[n.sentence.id],
                        "feedback": f"This states what is, not what should be: {n.voice.reason}.",
                        "misconception": self.code("OVERSKEPTIC"),
                    }
                )
            else:
                distractors.append(
                    {
                        "quote": self.quotes[n.sentence.id],
                        "feedback": f"This interprets but calls for nothing: {n.voice.reason}.",
                        "misconception": self.code("ANALYSIS_AS_ADVOCACY"),
                    }
                )
        checks: list[dict[str, Any]] = [{"answer": [n.sentence.id for n in right], "fraction": 1}]
        if distractors:
            checks.append(
                {
                    "answer": [wrong[0].sentence.id],
                    "fraction": 0,
                    "misconception": distractors[0]["misconception"],
                }
            )
        if kind == "loaded":
            question = {
                "id": self.new_id("voice-loaded"),
                "type": "highlight",
                "skill": "reporting",
                "prompt": "Tick every sentence in which the writer uses loaded words: "
                "emotive or evaluative wording rather than a neutral description.",
                "sentences": sentences,
                "distractors": distractors,
                "otherwise": "That sentence has no loaded word the drafter found; check it "
                "against the others.",
                "explanation": "Loaded words (“stunning”, “soared”) tell the reader how to "
                "feel about a fact; neutral verbs (“rose”) only report it.",
                "checks": checks,
            }
        else:
            question = {
                "id": self.new_id("voice-advocacy"),
                "type": "highlight",
                "skill": "reporting",
                "prompt": "Tick every sentence in which the writer, not someone the article "
                "reports, says what should be done.",
                "sentences": sentences,
                "distractors": distractors,
                "otherwise": "That sentence does not say, in the writer's own voice, what "
                "should be done.",
                "explanation": "Advocacy credited to no one is the writer's own; advocacy "
                "credited to a party (“advocates argue… should”) is reporting.",
                "checks": checks,
            }
        if not question["distractors"]:
            del question["distractors"]
        self.add(f"highlight item: {kind}", question)

    # the bank -------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        seen: set[tuple[str, str]] = set()
        n = 0
        ordered = sorted(self.ann.claims, key=lambda c: c.claim.sentence_id == "p0-s1")
        for c in ordered:
            key = (c.claim.kind, c.claim.stated_value.lower())
            if key in seen or len(seen) >= MAX_DRAFTED_CLAIMS:
                continue
            seen.add(key)
            n += 1
            self.percent_items(c, n)
            self.missing_item(c, n)
        self.classify_item()
        self.highlight_item("loaded")
        self.highlight_item("advocacy")
        if not self.questions:
            raise NothingToDraft(
                "The article gives nothing to draft a question from: no percentage, share, "
                "rate or change, and fewer than two sentences to label."
            )
        return self.bank()

    def bank(self) -> dict[str, Any]:
        title = self.ann.article.title
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "article"
        digest = hashlib.sha256(self.ann.article.body.encode()).hexdigest()[:6]
        return {
            "id": f"draft-{slug}-{digest}",
            "title": f"Draft: {title}"[:200],
            "description": "Drafted by the quiz from the article: every question "
            "is a draft (never given to students); review it, then publish.",
            "article": {"title": title, "source": self.source, "text": self.ann.article.body},
            "skills": SKILLS,
            "categories": CATEGORIES,
            "plain_category": "plain",
            "misconceptions": {k: v for k, v in MISCONCEPTIONS.items() if k in self.used_codes},
            "questions": [{"id": q["id"], "draft": True, **q} for _, q in self.questions],
        }


class NothingToDraft(ValueError):
    """The article gives no claim and too few sentences for any question."""


def draft_bank(ann: Annotation, source: str = "") -> dict[str, Any]:
    """The draft bank as data (what the YAML holds, without the comments)."""
    return _Drafter(ann, source or "Pasted article").run()


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def draft_bank_yaml(ann: Annotation, source: str = "") -> str:
    """The draft bank as YAML, each question under a ``# Draft:`` comment."""
    drafter = _Drafter(ann, source or "Pasted article")
    bank = drafter.run()
    questions = bank.pop("questions")
    out = [
        "# Draft bank made by `flask --app quiz draft` from the article below. Every question",
        "# is a draft: check the article's labels and each question before you publish it.",
        _dump(bank).rstrip("\n"),
        "questions:",
    ]
    for (note, _), question in zip(drafter.questions, questions, strict=True):
        out.append(f"  # Draft: {note}; review before publishing.")
        out.append(
            "\n".join("  " + line if line else line for line in _dump([question]).splitlines())
        )
    return "\n".join(out) + "\n"
