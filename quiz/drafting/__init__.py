"""Draft a quiz from any news article: the drafter's domain (issue #19).

Pure Python: no Flask, no SQLAlchemy, no ``quiz.store.models``. It reads an article
(title line, blank line, paragraphs), splits it into sentences with the bank's
ids (the title is ``p0-s1``, body paragraphs count from 1), finds the numeric
claims and what each leaves out (judged over the whole article), labels the
voice of every sentence, finds loaded words, and drafts a question bank from
that. Every flag carries a one-line reason a teacher can read.

Deterministic rules and word lists of our own (``lexicon.py``); no model is
downloaded. The rules are described in ``docs/drafting.md``.
"""

from __future__ import annotations

from quiz.drafting.annotate import Annotation, annotate
from quiz.drafting.text import ArticleInputError, ParsedArticle, parse_article, read_article

__all__ = [
    "Annotation",
    "ArticleInputError",
    "ParsedArticle",
    "annotate",
    "parse_article",
    "read_article",
]
