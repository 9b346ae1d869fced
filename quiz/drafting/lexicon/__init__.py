"""The drafter's word lists (our own, under the project's licence).

Each list is a module constant so that a teacher or a developer can read and
extend it; ``docs/drafting.md`` explains how each is used. The lists are grouped
by what they are for, each module for the part of the drafter that reads it:

- ``loaded``: ``LOADED``, evaluative or emotive words (``voice``).
- ``attribution``: ``ATTRIBUTION_VERBS``, ``ATTRIBUTION_PHRASES``,
  ``VAGUE_SOURCES`` (``voice``, ``checks``).
- ``voices``: ``PRESCRIPTIVE``, ``ANALYSIS``, ``BACKGROUND`` (``voice``).
- ``quantities``: ``CHANGE_VERBS``, ``TIME_UNITS``, ``MONTHS``,
  ``MONTH_ABBREVIATIONS`` (``claims``, ``split``).
- ``sources``: ``POPULATION_NOUNS``, ``NOT_NAMES`` (``checks``, ``voice``).
- ``stopwords``: ``STOP_WORDS``, too common to say what a sentence is about
  (``checks``).

Every name is also here (``lexicon.LOADED``), with ``word_regex``, which turns a
list of plain words into one regular expression. The modules import only the
standard library and each other: no other part of ``quiz``.
"""

from __future__ import annotations

import re

from quiz.drafting.lexicon.attribution import ATTRIBUTION_PHRASES, ATTRIBUTION_VERBS, VAGUE_SOURCES
from quiz.drafting.lexicon.loaded import LOADED
from quiz.drafting.lexicon.quantities import CHANGE_VERBS, MONTH_ABBREVIATIONS, MONTHS, TIME_UNITS
from quiz.drafting.lexicon.sources import NOT_NAMES, POPULATION_NOUNS
from quiz.drafting.lexicon.stopwords import STOP_WORDS
from quiz.drafting.lexicon.voices import ANALYSIS, BACKGROUND, PRESCRIPTIVE

__all__ = [
    "ANALYSIS",
    "ATTRIBUTION_PHRASES",
    "ATTRIBUTION_VERBS",
    "BACKGROUND",
    "CHANGE_VERBS",
    "LOADED",
    "MONTHS",
    "MONTH_ABBREVIATIONS",
    "NOT_NAMES",
    "POPULATION_NOUNS",
    "PRESCRIPTIVE",
    "STOP_WORDS",
    "TIME_UNITS",
    "VAGUE_SOURCES",
    "word_regex",
]


def word_regex(words: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    """A regular expression matching any of ``words`` (plain words, not patterns),
    built as a trie: Python's ``re`` tries every branch of a flat alternation at
    every position, a trie only the branches that share the first letters."""
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return "(?:" + build(trie) + ")"
