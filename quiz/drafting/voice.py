"""Voice of a sentence and its loaded words.

Rules, first that fits:

1. a call for action (should, must, need to, calls for, is vital) credited to
   someone → ``reported_advocacy``; in the writer's own voice → ``advocacy``;
2. credited to a named, checkable source → ``attributed_report``; to an
   unidentifiable one ("some experts", "critics", "industry surveys")
   → ``vague_attribution``;
3. the writer's interpretation (cause, significance, prediction, verdict)
   → ``analysis_opinion``;
4. how things work, definitions, history, what a study did → ``background``;
5. anything else, a checkable statement in the writer's voice
   → ``unattributed_assertion``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.drafting import lexicon

VOICES = (
    "attributed_report",
    "vague_attribution",
    "unattributed_assertion",
    "analysis_opinion",
    "advocacy",
    "reported_advocacy",
    "background",
)


def _alternation(items: tuple[str, ...]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


_LOADED = re.compile(rf"\b(?:{_alternation(lexicon.LOADED)})\b", re.I)
_ATTR_VERB = re.compile(rf"\b{lexicon.word_regex(lexicon.ATTRIBUTION_VERBS)}\b", re.I)
_ATTR_PHRASE = re.compile(rf"\b(?:{_alternation(lexicon.ATTRIBUTION_PHRASES)})\b", re.I)
_VAGUE = re.compile(rf"\b(?:{_alternation(lexicon.VAGUE_SOURCES)})\b", re.I)
_PRESCRIPTIVE = re.compile(rf"\b(?:{_alternation(lexicon.PRESCRIPTIVE)})(?!\w)", re.I)
_ANALYSIS = re.compile(rf"\b(?:{_alternation(lexicon.ANALYSIS)})\b", re.I)
_BACKGROUND = re.compile(rf"\b(?:{_alternation(lexicon.BACKGROUND)})\b", re.I)
_QUOTE = re.compile(r"[\"“][^\"”]{12,}[\"”]")
_PRONOUN_SOURCE = re.compile(
    r"\b(?:he|she|they|the (?:[\w'’-]+ ){0,3}?(?:agency|office|department|ministry|bureau|"
    r"authority|service|trust|operator|utility|administration|watchdog|"
    r"council|company|firm|"
    r"study|report|survey|review|researchers|authors|analysis|paper|team|police|court|"
    r"commission|committee|board|regulator|government|institute|centre|center|university|"
    r"hospital|union|charity|club|league|federation|association|spokes(?:man|woman|person)|"
    r"minister|mayor|governor|president|chief|director|coroner|prosecutors?|judge|"
    r"economist|scientist|statistician|official|data|city|state|county|district|school|"
    r"university|province|region|ministry|department|agency|bureau|court|hospital))\b",
    re.I,
)
_SPECIFIC_BODIES = re.compile(
    r"\b(?:police|prosecutors|the (?:agency|department|ministry|bureau|council|government|"
    r"authority|service|trust|operator|utility|administration|watchdog|"
    r"regulator|court|company|researchers|authors|study|report|survey|team))\b",
    re.I,
)
_ACRONYM = re.compile(r"\b[A-Z][A-Z&]{1,}s?\b")
_CAP = re.compile(r"\b[A-Z][a-z]+(?:['’]s)?\b")
_TITLE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Det)\.?\s+[A-Z]")
_COLON_NAME = re.compile(r"^[A-Z][\w .'-]{2,40}:\s")
_AMBIGUOUS_VERBS = frozenset(
    [
        "report",
        "note",
        "show",
        "shown",
        "find",
        "found",
        "states",
        "called",
        "calls",
        "released",
        "published",
        "recorded",
        "counted",
        "described",
        "attributed",
        "welcomed",
        "responded",
        "replied",
        "projects",
        "project",
    ]
)
_SPEECH_VERBS_ONLY = re.compile(
    r"\b(?:"
    + lexicon.word_regex([v for v in lexicon.ATTRIBUTION_VERBS if v not in _AMBIGUOUS_VERBS])
    + r"|unveiled|unveils|(?:is|are|was|were|have been|has been)\s+(?:\w+ly\s+)?vocal)\b",
    re.I,
)


@dataclass(frozen=True)
class VoiceLabel:
    voice: str
    reason: str


def loaded_words(text: str) -> list[str]:
    """Loaded words and phrases as they are written in the sentence, in order."""
    out: list[str] = []
    for m in _LOADED.finditer(text):
        word = m.group(0)
        # a surge protector, a spike protein: only a rising number is loaded
        if (
            word.lower() in ("surge", "surges", "surged", "surging", "spike", "spiked", "spikes")
            and not re.search(r"\b(?:in|of|to|by|\d)", text[m.end() : m.end() + 12])
            and not re.search(r"\d|%", text)
        ):
            continue
        if word.lower() in ("crisis", "critical", "grave", "deadly") and re.search(
            r"\b(?:crisis line|crisis centre|crisis center|critical care|grave site)\b", text, re.I
        ):
            continue
        if any(word.lower() in w.lower() for w in out):
            continue
        out.append(word)
    return out


_NEGATED = re.compile(
    r"\b(?:does|did|do|has|have|had|would|will)\s*(?:not|n't|never)\s+(?:say|said|give|given|"
    r"state|stated|report|reported|show|shown|explain|explained|reveal|revealed|disclose|"
    r"disclosed|specify|specified|mention|mentioned|publish|published|release|released)\b",
    re.I,
)
_CLAUSE = re.compile(r"[,;:“”\"(—–]|\bthat\b|\bwhich\b")


def _subject_window(text: str, at: int) -> str:
    """The words before a verb back to the previous clause boundary."""
    head = text[:at]
    cut = 0
    for m in _CLAUSE.finditer(head):
        if m.end() < len(head) - 1:
            cut = m.end()
    return head[cut:]


def _named_in(window: str, *, initial_ok: bool) -> str | None:
    for m in _ACRONYM.finditer(window):
        if m.group(0) not in ("I", "US", "UK", "EU", "AM", "PM", "OK", "TV", "GDP", "CEO", "AI"):
            return m.group(0)
    t = _TITLE.search(window)
    if t:
        return t.group(0)
    stripped = window.lstrip(' “"')
    for m in _CAP.finditer(window):
        word = m.group(0).split("'")[0].split("’")[0]
        if word in lexicon.NOT_NAMES:
            continue
        if m.start() > len(window) - len(stripped) or initial_ok:
            return m.group(0)
    return None


def attribution(text: str) -> tuple[str, str] | None:
    """``("named" | "vague", evidence)`` when the sentence credits its content to
    someone, else None. The source is looked for next to the verb: in the words
    before it back to the clause boundary, or just after it ("said Dr. Lopez")."""
    if _NEGATED.search(text):
        text = _NEGATED.sub("", text)
    outside = _QUOTE.sub(lambda m: " " * len(m.group(0)), text)
    verb = _SPEECH_VERBS_ONLY.search(outside) or _ATTR_PHRASE.search(outside)
    if not verb:
        return _without_verb(text, outside)
    m = re.search(r"\baccording to\s+(.{0,60})", text, re.I)
    if m:
        return _according_to(m.group(1))
    return _next_to_verb(text, verb)


def _without_verb(text: str, outside: str) -> tuple[str, str] | None:
    """No verb of saying: a "Name:" opening, or a quotation and who is named by it."""
    colon = _COLON_NAME.match(text)
    if colon:
        return ("named", colon.group(0).strip())
    if not _QUOTE.search(text):
        return None
    name = _named_in(outside.replace("  ", " "), initial_ok=True)
    if name:
        return ("named", f"{name} is quoted")
    return ("vague", "a quotation credited to no one named")


def _according_to(target: str) -> tuple[str, str]:
    """After "according to": named when a name, a pronoun or a specific body follows."""
    if _VAGUE.search(target[:40]) and not _named_in(target[:40], initial_ok=True):
        return ("vague", f"according to {target[:40].strip()}")
    if (
        _named_in(target[:50], initial_ok=True)
        or _PRONOUN_SOURCE.match(target)
        or _SPECIFIC_BODIES.search(target[:30])
    ):
        return ("named", f"according to {target[:40].strip().rstrip('.')}")
    return ("vague", f"according to {target[:40].strip()}")


def _next_to_verb(text: str, verb: re.Match[str]) -> tuple[str, str]:
    """The source in the words before the verb (back to the clause) or just after."""
    evidence = verb.group(0)
    subject = _subject_window(text, verb.start())
    after = text[verb.end() : verb.end() + 70]
    vague = _VAGUE.search(subject + evidence) or _VAGUE.search(text[: verb.end()])
    name = _named_in(subject, initial_ok=True) or _named_in(after.split(",")[0], initial_ok=True)
    if vague and not (name and name in subject and vague.start() > text.find(name)):
        return ("vague", vague.group(0))
    if name:
        return ("named", f"{name} … {evidence}")
    pron = _PRONOUN_SOURCE.search(subject) or _PRONOUN_SOURCE.match(after.strip())
    if pron:
        return ("named", f"{pron.group(0)} … {evidence}")
    return ("vague", f"… {evidence}")


def classify(text: str, *, is_title: bool = False) -> VoiceLabel:
    """The voice of one sentence with a one-line reason."""
    attr = attribution(text)
    presc = _PRESCRIPTIVE.search(text)
    if presc and not _is_conditional(text, presc.start()):
        if attr:
            return VoiceLabel(
                "reported_advocacy",
                f"reports someone else's call for action (“{presc.group(0)}”, credited: {attr[1]})",
            )
        return VoiceLabel(
            "advocacy",
            f"the writer says what should be done (“{presc.group(0)}”), credited to no one",
        )
    if attr:
        kind, evidence = attr
        if kind == "named":
            return VoiceLabel("attributed_report", f"credited to a named source ({evidence})")
        return VoiceLabel(
            "vague_attribution", f"credited to a source no reader can check (“{evidence}”)"
        )
    ana = _ANALYSIS.search(text)
    loaded = loaded_words(text)
    if loaded and not ana and not _has_number(text) and not _CHANGE.search(text):
        return VoiceLabel(
            "analysis_opinion", f"the writer's own verdict in loaded words (“{loaded[0]}”)"
        )
    if ana:
        return VoiceLabel(
            "analysis_opinion",
            f"the writer's own interpretation (“{ana.group(0)}”), credited to no one",
        )
    bg = _BACKGROUND.search(text)
    if bg or _history(text):
        cue = bg.group(0) if bg else "a dated past event"
        return VoiceLabel("background", f"context, not the news claim (“{cue}”)")
    return VoiceLabel(
        "unattributed_assertion",
        "a checkable statement in the writer's own voice, with no source",
    )


_CHANGE = re.compile(
    rf"\b(?:{lexicon.word_regex(lexicon.CHANGE_VERBS)}|doubles|triples|twice|half)\b", re.I
)


def _has_number(text: str) -> bool:
    return bool(re.search(r"\d", text))


def _is_conditional(text: str, at: int) -> bool:
    """'If the rate should rise' and 'what needs to happen' style uses are not advocacy."""
    head = text[max(0, at - 25) : at].lower()
    return bool(re.search(r"\b(?:if|whether|unless)\b[^,]*$", head))


_YEAR_IN = re.compile(
    r"\b(?:in|since|until|by|from)\s+(?:(?:early|late|mid)-?\s*)?(?:1[89]|20)\d\d\b"
)


def _history(text: str) -> bool:
    """A dated event with no change in numbers: history, i.e. background."""
    if not _YEAR_IN.search(text):
        return False
    return not re.search(
        r"\d+(?:\.\d+)?\s?(?:%|percent|per cent)|"
        r"\b(?:rose|fell|increased|decreased|doubled|grew)\b",
        text,
        re.I,
    )
