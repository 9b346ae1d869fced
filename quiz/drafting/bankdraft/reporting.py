"""The reporting items over the article's sentences: a classify item over a
balanced sample of voices (about a third plain), and highlight items for loaded
words and for the writer's own advocacy."""

from __future__ import annotations

from typing import Any

from quiz.drafting.annotate import SentenceNote
from quiz.drafting.bankdraft.drafter import Drafter
from quiz.drafting.bankdraft.terms import CATEGORIES, CATEGORY_MISCONCEPTION, VOICE_CATEGORY


def classify_item(d: Drafter) -> None:
    """Label each sentence of a balanced sample with its voice's category."""
    by_cat: dict[str, list[Any]] = {}
    for note in d.ann.sentences:
        if note.sentence.id in d.quotes:
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
                "quote": d.quotes[note.sentence.id],
                "category": cat,
                "feedback": f"{CATEGORIES[cat].split(':')[0]}: {note.voice.reason}.",
                "misconception": d.code(code),
            }
        )
        answer[note.sentence.id] = cat
    d.add(
        "classify item over a balanced sample",
        {
            "id": d.new_id("voice-classify"),
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


def _loaded_pools(d: Drafter) -> tuple[list[SentenceNote], list[SentenceNote]]:
    right = [n for n in d.ann.sentences if n.loaded and n.sentence.id in d.quotes]
    wrong = [
        n
        for n in d.ann.sentences
        if not n.loaded
        and n.sentence.id in d.quotes
        and n.voice.voice in ("unattributed_assertion", "background", "attributed_report")
    ]
    return right, wrong


def _advocacy_pools(d: Drafter) -> tuple[list[SentenceNote], list[SentenceNote]]:
    right = [
        n for n in d.ann.sentences if n.voice.voice == "advocacy" and n.sentence.id in d.quotes
    ]
    wrong = [
        n
        for voice in ("reported_advocacy", "analysis_opinion", "unattributed_assertion")
        for n in d.ann.sentences
        if n.voice.voice == voice and n.sentence.id in d.quotes
    ]
    return right, wrong


def _feedback(kind: str, n: SentenceNote) -> str:
    if kind == "loaded":
        words = ", ".join(f"“{w}”" for w in n.loaded)
        return f"Loaded: {words}, the writer's verdict rather than a neutral description."
    return f"Advocacy: {n.voice.reason}."


def _distractor(d: Drafter, kind: str, n: SentenceNote) -> dict[str, Any]:
    quote = d.quotes[n.sentence.id]
    if kind == "loaded":
        feedback = "No loaded word here: the wording describes without judging."
        code = "OVERSKEPTIC"
    elif n.voice.voice == "reported_advocacy":
        feedback = f"This reports someone else's call: {n.voice.reason}."
        code = "REPORTED_ADVOCACY_AS_WRITERS"
    elif n.voice.voice == "unattributed_assertion":
        feedback = f"This states what is, not what should be: {n.voice.reason}."
        code = "OVERSKEPTIC"
    else:
        feedback = f"This interprets but calls for nothing: {n.voice.reason}."
        code = "ANALYSIS_AS_ADVOCACY"
    return {"quote": quote, "feedback": feedback, "misconception": d.code(code)}


_HIGHLIGHT: dict[str, dict[str, str]] = {
    "loaded": {
        "id": "voice-loaded",
        "prompt": "Tick every sentence in which the writer uses loaded words: "
        "emotive or evaluative wording rather than a neutral description.",
        "otherwise": "That sentence has no loaded word the drafter found; check it "
        "against the others.",
        "explanation": "Loaded words (“stunning”, “soared”) tell the reader how to "
        "feel about a fact; neutral verbs (“rose”) only report it.",
    },
    "advocacy": {
        "id": "voice-advocacy",
        "prompt": "Tick every sentence in which the writer, not someone the article "
        "reports, says what should be done.",
        "otherwise": "That sentence does not say, in the writer's own voice, what should be done.",
        "explanation": "Advocacy credited to no one is the writer's own; advocacy "
        "credited to a party (“advocates argue… should”) is reporting.",
    },
}


def highlight_item(d: Drafter, kind: str) -> None:
    """Tick the sentences with loaded words (``kind="loaded"``) or the writer's own
    advocacy (``"advocacy"``); up to two near misses as distractors."""
    right, wrong = _loaded_pools(d) if kind == "loaded" else _advocacy_pools(d)
    if not right:
        return
    right = right[:8]
    sentences = [{"quote": d.quotes[n.sentence.id], "feedback": _feedback(kind, n)} for n in right]
    distractors = [_distractor(d, kind, n) for n in wrong[:2]]
    checks: list[dict[str, Any]] = [{"answer": [n.sentence.id for n in right], "fraction": 1}]
    if distractors:
        checks.append(
            {
                "answer": [wrong[0].sentence.id],
                "fraction": 0,
                "misconception": distractors[0]["misconception"],
            }
        )
    words = _HIGHLIGHT[kind]
    question: dict[str, Any] = {
        "id": d.new_id(words["id"]),
        "type": "highlight",
        "skill": "reporting",
        "prompt": words["prompt"],
        "sentences": sentences,
        "distractors": distractors,
        "otherwise": words["otherwise"],
        "explanation": words["explanation"],
        "checks": checks,
    }
    if not question["distractors"]:
        del question["distractors"]
    d.add(f"highlight item: {kind}", question)
