"""Reading an article file or paste: title line, blank line, paragraphs.

Paragraphs are separated by blank lines; a paste with single line breaks and
no blank line in its body is read one paragraph per line. Bad input raises
:class:`ArticleInputError` with a one-line message for the teacher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.drafting.split import split_sentences

MAX_BYTES = 256 * 1024  # about 40,000 words: a long article is 10 to 50 KB
MAX_TITLE = 300
MAX_PARAGRAPH = 10_000  # a long news paragraph is under 2,000 characters
_TOO_BIG = (
    f"The article is larger than {MAX_BYTES // 1024} KB (about 40,000 words): the drafter "
    "reads one article at a time; paste or save just the article."
)
_SPACE = re.compile(r"\s+")
_BLANK = re.compile(r"\n[ \t]*\n")


class ArticleInputError(ValueError):
    """The input cannot be read as an article; ``str(error)`` is one line to show."""


@dataclass(frozen=True)
class Sentence:
    id: str
    paragraph: int  # 0 is the title
    index: int
    text: str


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    paragraphs: tuple[tuple[Sentence, ...], ...]  # [0] is the title alone

    @property
    def sentences(self) -> list[Sentence]:
        return [s for para in self.paragraphs for s in para]

    @property
    def body(self) -> str:
        """The body as the bank's ``article.text`` (paragraphs and blank lines)."""
        return "\n\n".join(" ".join(s.text for s in para) for para in self.paragraphs[1:])


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def read_article(data: bytes) -> ParsedArticle:
    """Decode and parse an uploaded or read file (UTF-8, a BOM allowed)."""
    if len(data) > MAX_BYTES:
        raise ArticleInputError(_TOO_BIG)
    if b"\x00" in data:
        raise ArticleInputError(
            "This is not a text file (it contains NUL bytes): save it as plain text (UTF-8)."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleInputError(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read): "
            "save it as plain text in UTF-8."
        ) from None
    return parse_article(text)


def _checked(text: str) -> str:
    """The text with its line ends as LF, no byte-order mark, stripped; or why it
    cannot be an article."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ArticleInputError(_TOO_BIG)
    bad = next((c for c in text if c == "\x00" or "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        raise ArticleInputError(
            "The text contains characters that are not text (NUL or a broken character)."
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\t\f\v")
    if controls > max(3, len(text) // 100):
        raise ArticleInputError(
            "This looks like binary data, not an article: save it as plain text (UTF-8)."
        )
    text = text.strip()
    if not text:
        raise ArticleInputError(
            "The article is empty: put the title on the first line, a blank line, "
            "then the paragraphs."
        )
    return text


def _paragraphs(title: str, rest: str) -> list[tuple[Sentence, ...]]:
    """The title as paragraph 0, then the body's paragraphs split into sentences."""
    # a paste with single line breaks and no blank line: one paragraph a line
    blocks = _BLANK.split(rest) if _BLANK.search(rest) else rest.split("\n")
    paragraphs: list[tuple[Sentence, ...]] = [(Sentence("p0-s1", 0, 1, title),)]
    for block in blocks:
        block = _fold(block)
        if not block:
            continue
        if len(block) > MAX_PARAGRAPH:
            raise ArticleInputError(
                f"Paragraph {len(paragraphs)} is {len(block):,} characters long: separate the "
                f"paragraphs with blank lines (a paragraph may have up to {MAX_PARAGRAPH:,})."
            )
        p = len(paragraphs)
        paragraphs.append(
            tuple(Sentence(f"p{p}-s{i}", p, i, s) for i, s in enumerate(split_sentences(block), 1))
        )
    return paragraphs


def parse_article(text: str) -> ParsedArticle:
    """Parse article text: the first line is the title, then the paragraphs."""
    text = _checked(text)
    first, _, rest = text.partition("\n")
    title = _fold(first)
    if len(title) > MAX_TITLE or not rest.strip():
        raise ArticleInputError(
            "No title line: put the headline alone on the first line, then a blank line, "
            "then the article's paragraphs."
        )
    paragraphs = _paragraphs(title, rest.strip("\n"))
    if len(paragraphs) == 1:
        raise ArticleInputError("The article has a title but no paragraphs after it.")
    if not any(c.isalpha() for c in text):
        raise ArticleInputError("The article has no words in it.")
    return ParsedArticle(title=title, paragraphs=tuple(paragraphs))
