# ruff: noqa: E501  (regular expressions read better unwrapped)
"""What each numeric claim leaves out, judged over the whole article.

For every claim five questions: is a baseline (the starting number or the
absolute numbers) given, the period compared, a definition of what was
counted, a denominator or exposure, a named source? Each is answered from the
claim's own sentence, its paragraph, and any sentence of the article about the
same thing (sharing two content words with it, or repeating its figure).
Precision over recall: when the article gives anything that plausibly answers
the question, the claim is not flagged, so a well-sourced article comes out
clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from quiz.drafting import lexicon
from quiz.drafting.claims import NUM, Claim
from quiz.drafting.text import ParsedArticle, Sentence
from quiz.drafting.voice import attribution

CHECKS = ("baseline", "period", "definition", "denominator", "source")

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")

_PERIOD = re.compile(
    r"\b(?:1[89]|20)\d\d\b|\b(?:January|February|March|April|June|July|August|September|"
    r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?|"
    r"\bMay\s+(?:\d|(?:1[89]|20)\d\d)|"
    r"\b(?:last|previous|prior|past|this|same|following|preceding|first|second|third|fourth|"
    r"final)\s+(?:\w+\s+)?(?:year|years|month|months|week|weeks|quarter|quarters|decade|"
    r"half|season|period|fiscal year)\b|"
    r"\b(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+)[- ](?:years?|months?|weeks?|"
    r"decades?|days?|quarters?)\s+(?:earlier|before|ago|later|period|span|window)\b|"
    r"\b(?:year|month|quarter|week)[- ](?:on|over)[- ](?:year|month|quarter|week)\b|"
    r"\bover\s+(?:the\s+)?(?:past|last|previous)\s+(?:\w+\s+)?(?:years?|months?|weeks?|"
    r"decades?|days?)\b|\bsince\s+(?:(?:1[89]|20)\d\d|the\s+\w+\s+of)|\bannual(?:ly)?\b|"
    r"\bfiscal\s+(?:year\s+)?\d|\bFY\s?\d|"
    r"\b(?:in|over|for|during|within|across|after)\s+(?:just\s+|only\s+|the\s+|a\s+|nearly\s+|"
    r"about\s+|more than\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"fifteen|twenty|\d+)\s+(?:years?|months?|weeks?|decades?|days?|quarters?)\b|"
    r"\b(?:last|this|since last|since|past|previous)\s+(?:winter|summer|spring|autumn|fall)\b|"
    r"\b(?:the|a)\s+(?:year|month|week|quarter|decade)\s+(?:before|earlier|ago|prior)\b",
    re.I,
)
_DEFINITION = re.compile(
    r"\bdefin(?:e|es|ed|ing|ition)\b|\b(?:counts?|counted|classif(?:y|ies|ied)|"
    r"categori[sz](?:e|es|ed)|record(?:s|ed)?|measur(?:e|es|ed))\s+(?:as|only|any|all|every|"
    r"each|an?\s+[\w-]+\s+(?:as|when|if|only)|when|if|where|those|people|cases|incidents)\b|\brefers?\s+to\b|"
    r"\b(?:includes?|including|excludes?|excluding)\s+(?:only|any|all|every|both|those|"
    r"cases|people|incidents|attacks|crimes|deaths|patients)\b|\bmeaning\s+(?:any|a|an|that|"
    r"those)\b|\bis\s+(?:counted|recorded|classed|logged)\s+(?:as|when|if|only)\b|"
    r"\bonly\s+(?:counts?|includes?|covers?)\b|\b(?:counts?|covers?)\s+(?:only|any|every|all)\b|"
    r"\bthat\s+is,|\bi\.e\.|\bin which (?:a|an|the)\b|\bdiagnosed\b|\bconfirmed\s+(?:cases|by)\b|"
    r"\bas\s+(?:measured|recorded|defined|reported)\s+(?:by|in|on)\b|"
    r"\b(?:whose|who|that)\s+(?:were|was|had|have)\s+(?:diagnosed|admitted|charged|"
    r"convicted|hospitali[sz]ed|reported|treated|confirmed)\b",
    re.I,
)
_EXPOSURE = re.compile(
    rf"\bper\s+(?!cent\b)(?:{NUM}\s+)?\w+|\bfor every\b|\b(?:{NUM}|one|two|three|a)\s+(?:in|out of)\s+(?:every\s+)?{NUM}\b|"
    rf"\bout of\b|\bproportion\b|\bshare of\b|\bpercentage of\b|\brates?\b|\bper capita\b|"
    rf"\bpopulation\b|\b(?:study|survey|trial|poll|sample|cohort|analysis)\s+of\s+(?:about\s+|more than\s+|nearly\s+)?{NUM}|"
    rf"\b(?:among|of)\s+(?:about\s+|more than\s+|nearly\s+|the\s+)?{NUM}\s+\w+|"
    rf"\b{NUM}(?:\s?(?:million|billion|thousand))?\s+(?:[\w-]+\s+)?(?:{'|'.join(lexicon.POPULATION_NOUNS)})\b",
    re.I,
)
_COUNT = re.compile(
    rf"(?<![\w.,$£€])(?P<n>{NUM})(?![\d,]|\.\d)(?:\s?(?:million|billion|thousand|bn|m|k)\b)?(?!\s?(?:%|percent|per cent|percentage))"
    rf"(?:\s+(?P<noun>[A-Za-z][\w-]*))?",
    re.I,
)
_ABSOLUTE_RISK = re.compile(
    rf"\b(?:{NUM}|one|two|three|a)\s+(?:in|out of)\s+(?:every\s+)?{NUM}\b|\b{NUM}\s+(?:[\w-]+\s+){{0,3}}per\s+(?!cent)",
    re.I,
)
_DATA_WORDS = re.compile(
    r"\b(?:data|figures|statistics|numbers|study|survey|report|analysis|records|census|"
    r"poll|trial|review|audit|index|estimates?|dataset|database|register|log)\b",
    re.I,
)
_PAIR = re.compile(
    rf"\bfrom\s+(?:about\s+|around\s+)?[$£€]?{NUM}[^.;]{{0,40}}?\bto\s+(?:about\s+|around\s+)?[$£€]?{NUM}|"
    rf"\b(?:up|down)\s+from\s+(?:about\s+|around\s+)?[$£€]?{NUM}|\b(?:held|stayed|remained)\s+(?:steady|flat|unchanged)",
    re.I,
)
_YEARISH = re.compile(r"^(?:1[89]|20)\d\d$")


@cache
def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern.search(text)``, once per sentence however many claims ask."""
    return pattern.search(text)


@cache
def _attribution(text: str) -> tuple[str, str] | None:
    return attribution(text)


@cache
def content_words(text: str) -> frozenset[str]:
    out: set[str] = set()
    for w in _WORD.findall(text.lower()):
        if w in lexicon.STOP_WORDS:
            continue
        for suffix in ("ies", "es", "s", "ing", "ed"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 4:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return frozenset(out)


@dataclass(frozen=True)
class CheckResult:
    given: bool
    reason: str
    evidence: str | None = None  # sentence id that supplies it


def _related(claim: Claim, sentence: Sentence, article: ParsedArticle) -> list[Sentence]:
    """The claim's sentence first, then its paragraph and the ones either side (the
    headline goes with the first paragraph), then sentences about the same thing:
    repeating its figure or sharing two content words with it."""
    mine = content_words(sentence.text)
    value = re.escape(re.sub(r"\s+", " ", claim.stated_value.strip()))
    same_value = re.compile(rf"(?<![\w.]){value}(?!\w)", re.I) if len(value) > 1 else None
    near = {sentence.paragraph - 1, sentence.paragraph, sentence.paragraph + 1}
    if sentence.paragraph in (0, 1):
        near = {0, 1, 2}
    out = [sentence]
    for s in article.sentences:
        if s.id == sentence.id:
            continue
        if (
            s.paragraph in near
            or same_value is not None
            and _search(same_value, s.text)
            or len(mine & content_words(s.text)) >= 2
        ):
            out.append(s)
    return out


@cache
def _counts(text: str) -> tuple[tuple[str, str, str], ...]:
    """(number, the word after it, the words as written) for each plain count."""
    out: list[tuple[str, str, str]] = []
    for m in _COUNT.finditer(text):
        n = m.group("n")
        if _YEARISH.match(n):
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        if re.search(r"(?:No\.|number|Route|route|aged?|ages|Highway|page|at)\s*$", before):
            continue
        after = text[m.end() : m.end() + 10]
        if re.match(r"\s*(?:a\.m|p\.m|am\b|pm\b|years? old|-year-old)", after, re.I):
            continue
        out.append((n, (m.group("noun") or "").lower(), m.group(0).strip()))
    return tuple(out)


def clear_caches() -> None:
    """Forget the per-sentence results (``annotate`` calls it when it is done): the
    caches make each sentence's patterns run once however many claims ask."""
    for cached in (_search, _attribution, content_words, _counts):
        cached.cache_clear()
    _MATCHES.clear()


def judge(claim: Claim, sentence: Sentence, article: ParsedArticle) -> dict[str, CheckResult]:
    related = _related(claim, sentence, article)
    return {
        "baseline": _baseline(claim, related),
        "period": _find(
            _PERIOD,
            related,
            "the period compared",
            "no period compared (a year, months, 'last year') anywhere near this figure",
        ),
        "definition": _find(
            _DEFINITION,
            related,
            "what was counted",
            "the article never says what was counted (how a case was defined or recorded)",
            anywhere=article,
        ),
        "denominator": _denominator(claim, related, article),
        "source": _source(claim, sentence, related, article),
    }


_MATCHES: dict[tuple[int, str], tuple[ParsedArticle, dict[str, re.Match[str]]]] = {}


def _matches(pattern: re.Pattern[str], article: ParsedArticle) -> dict[str, re.Match[str]]:
    """The sentences of the article that ``pattern`` finds something in, in order,
    searched once per article (``clear_caches`` forgets them). The entry keeps its
    article, so another article given the same ``id`` later is never served it."""
    key = (id(article), pattern.pattern)
    entry = _MATCHES.get(key)
    if entry is not None and entry[0] is article:
        return entry[1]
    found: dict[str, re.Match[str]] = {}
    for s in article.sentences:
        m = _search(pattern, s.text)
        if m:
            found[s.id] = m
    _MATCHES[key] = (article, found)
    return found


def _first(
    pattern: re.Pattern[str], related: list[Sentence], article: ParsedArticle | None
) -> tuple[Sentence, re.Match[str]] | None:
    """The first related sentence the pattern finds something in; with ``article``,
    else the first such sentence anywhere in it."""
    if article is None:
        for s in related:
            m = _search(pattern, s.text)
            if m:
                return s, m
        return None
    found = _matches(pattern, article)
    for s in related:
        if s.id in found:
            return s, found[s.id]
    for s in article.sentences:
        if s.id in found:
            return s, found[s.id]
    return None


def _find(
    pattern: re.Pattern[str],
    related: list[Sentence],
    what: str,
    missing: str,
    anywhere: ParsedArticle | None = None,
) -> CheckResult:
    hit = _first(pattern, related, anywhere)
    if hit:
        s, m = hit
        return CheckResult(True, f"{what} is given in {s.id} (“{m.group(0).strip()}”)", s.id)
    return CheckResult(False, missing)


def _baseline(claim: Claim, related: list[Sentence]) -> CheckResult:
    if claim.kind in ("count_change",) or re.search(
        r"\bfrom\b.*\bto\b|\bto\b.*\bfrom\b", claim.text_span, re.I
    ):
        return CheckResult(True, "the claim gives both numbers itself", claim.sentence_id)
    if claim.kind in ("share", "rate"):
        related = [
            s
            for s in related
            if s.paragraph == related[0].paragraph or claim.stated_value in s.text
        ]
    for s in related:
        pair = _search(_PAIR, s.text)
        if pair and s.id != claim.sentence_id:
            return CheckResult(
                True, f"the starting value is given in {s.id} (“{pair.group(0)}”)", s.id
            )
        m = _search(_ABSOLUTE_RISK, s.text)
        if m and (s.id != claim.sentence_id or m.group(0) not in claim.text_span):
            return CheckResult(True, f"absolute numbers are given in {s.id} (“{m.group(0)}”)", s.id)
        for n, noun, written in _counts(s.text):
            if s.id == claim.sentence_id and n in claim.text_span:
                continue
            if (
                claim.kind in ("percent_change", "multiplier", "percentage_points")
                and noun in lexicon.POPULATION_NOUNS
            ):
                continue  # a count of the exposed is a denominator, not a baseline
            return CheckResult(
                True,
                f"absolute numbers are given in {s.id} (“{written}”)",
                s.id,
            )
    if claim.kind in ("share", "rate"):
        return CheckResult(False, "no count behind this share or rate anywhere in the article")
    return CheckResult(
        False, "no starting number or absolute count for this figure anywhere in the article"
    )


def _denominator(claim: Claim, related: list[Sentence], article: ParsedArticle) -> CheckResult:
    if claim.kind in ("rate", "share", "percentage_points"):
        return CheckResult(
            True, "the figure is itself a share or rate of a stated group", claim.sentence_id
        )
    hit = _first(_EXPOSURE, related, article)
    if hit:
        s, m = hit
        return CheckResult(
            True, f"a denominator or exposure is given in {s.id} (“{m.group(0)}”)", s.id
        )
    return CheckResult(
        False, "no denominator or exposure (per 100,000, out of how many) anywhere in the article"
    )


def _source(
    claim: Claim, sentence: Sentence, related: list[Sentence], article: ParsedArticle
) -> CheckResult:
    for s in related:
        attr = _attribution(s.text)
        if attr and attr[0] == "named":
            return CheckResult(True, f"the source is named in {s.id} ({attr[1]})", s.id)
    for s in article.sentences:
        attr = _attribution(s.text)
        if attr and attr[0] == "named" and _search(_DATA_WORDS, s.text):
            return CheckResult(True, f"the data's source is named in {s.id} ({attr[1]})", s.id)
    return CheckResult(
        False, "no named source for this figure (no one, or only a vague source, is credited)"
    )
