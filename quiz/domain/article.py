"""Article text: paragraphs, sentences with stable ids, and quote lookup.

Pure Python: no Flask, no database. Sentence ids look like ``p3-s2`` (third
paragraph of the body, second sentence), both counted from 1. The headline is
the article's ``title`` and is not a paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pysbd

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SPACE = re.compile(r"\s+")
_QUOTE_CHARS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph (whitespace already folded to single spaces,
    none at either end), such that ``" ".join(result) == paragraph``: splitting
    finds sentences and never changes the text.

    A boundary the segmenter finds with no space after it (``=calc'!A0``, a quote
    closed straight onto the next word) is not one: the two parts stay one sentence.
    If the segmenter's parts cannot be found in the paragraph in order, the whole
    paragraph is one sentence."""
    starts: list[int] = []
    pos = 0
    for part in _segmenter().segment(paragraph):
        part = part.strip()
        if not part:
            continue
        at = paragraph.find(part, pos)
        if at < 0:
            return [paragraph] if paragraph else []
        starts.append(at)
        pos = at + len(part)
    if not starts:
        return []
    starts[0] = 0
    sentences: list[str] = []
    for i, start in enumerate(starts):
        piece = paragraph[start : starts[i + 1] if i + 1 < len(starts) else len(paragraph)]
        if sentences and not sentences[-1].endswith(" "):
            sentences[-1] += piece
        else:
            sentences.append(piece)
    sentences = [s.strip() for s in sentences]
    return sentences if " ".join(sentences) == paragraph else [paragraph]


def normalise(text: str) -> str:
    """Fold typography so that a quote typed with straight quotes still matches."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_CHARS)
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class Sentence:
    id: str
    paragraph: int
    index: int
    text: str


@dataclass(frozen=True)
class Article:
    title: str
    source: str
    paragraphs: tuple[tuple[Sentence, ...], ...]

    @classmethod
    def from_text(cls, title: str, source: str, text: str) -> Article:
        """Split ``text`` into paragraphs (blank lines) and sentences."""
        paragraphs: list[tuple[Sentence, ...]] = []
        blocks = [b.strip() for b in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))]
        for p_no, block in enumerate((b for b in blocks if b), start=1):
            parts = split_sentences(_SPACE.sub(" ", block))
            paragraphs.append(
                tuple(
                    Sentence(id=f"p{p_no}-s{s_no}", paragraph=p_no, index=s_no, text=s)
                    for s_no, s in enumerate(parts, start=1)
                )
            )
        return cls(title=title.strip(), source=source.strip(), paragraphs=tuple(paragraphs))

    @property
    def sentences(self) -> list[Sentence]:
        return [s for para in self.paragraphs for s in para]

    def sentence(self, sentence_id: str) -> Sentence | None:
        return self._by_id().get(sentence_id)

    def _by_id(self) -> dict[str, Sentence]:
        cache = self.__dict__.get("_id_cache")
        if cache is None:
            cache = {s.id: s for s in self.sentences}
            object.__setattr__(self, "_id_cache", cache)
        return cache

    def find(self, quote: str) -> list[Sentence]:
        """Sentences that contain ``quote`` (typography, case and spacing folded)."""
        wanted = normalise(quote)
        if not wanted:
            return []
        return [s for s in self.sentences if wanted in normalise(s.text)]

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(s.text for s in para) for para in self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "paragraphs": [[s.text for s in para] for para in self.paragraphs],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Rebuild a stored article without splitting again (ids never move)."""
        return cls(
            title=data["title"],
            source=data.get("source", ""),
            paragraphs=tuple(
                tuple(
                    Sentence(id=f"p{p}-s{s}", paragraph=p, index=s, text=text)
                    for s, text in enumerate(para, start=1)
                )
                for p, para in enumerate(data["paragraphs"], start=1)
            ),
        )
