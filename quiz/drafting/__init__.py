"""Draft a quiz from any news article: the drafter's domain (issue #19).

Pure Python: no Flask, no SQLAlchemy, no ``quiz.store.models``. It reads an article
(title line, blank line, paragraphs), splits it into sentences with the bank's
ids (the title is ``p0-s1``, body paragraphs count from 1), finds the numeric
claims and what each leaves out (judged over the whole article), labels the
voice of every sentence, finds loaded words, and drafts a question bank from
that. Every flag carries a one-line reason a teacher can read.

Deterministic rules and word lists of our own (``lexicon/``); no model is
downloaded. The rules are described in ``docs/drafting.md``.

What lives where, in the order an article goes through:

- ``text``: reading the article (size, characters, title, paragraphs) into
  ``ParsedArticle``; ``split``: a paragraph into sentences.
- ``lexicon/``: the word lists, grouped by what they are for.
- ``claim_patterns``, ``claims``: the numeric claims of a sentence and their kind.
- ``voice``: each sentence's voice and loaded words; who a sentence credits.
- ``checks``: what each claim leaves out, judged over the whole article.
- ``annotate``: all of it for one article (``Annotation``).
- ``bankdraft/``: a draft question bank from an annotation, one module per kind
  of item, and its YAML.
- ``command``: ``flask --app quiz draft`` (click only, no app).

What it may import: the standard library, PyYAML, click (``command`` only),
``quiz.domain`` (the bank's article and its validation) and itself; never Flask,
SQLAlchemy or ``quiz.store``. Storing a draft is the web glue's work
(``quiz.authoring.draft_views``).
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
