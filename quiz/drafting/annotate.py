"""The annotation of a whole article: sentences with voice and loaded words,
claims with their checks, each flag with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quiz.drafting.checks import CHECKS, CheckResult, clear_caches, judge
from quiz.drafting.claims import Claim, find_claims
from quiz.drafting.text import ParsedArticle, Sentence, parse_article
from quiz.drafting.voice import VoiceLabel, classify, loaded_words

MAX_CLAIMS = 300  # a 1,500-word article has a few dozen at most


@dataclass
class SentenceNote:
    sentence: Sentence
    voice: VoiceLabel
    loaded: list[str]


@dataclass
class ClaimNote:
    claim: Claim
    checks: dict[str, CheckResult]

    @property
    def missing(self) -> list[str]:
        return [c for c in CHECKS if not self.checks[c].given]


@dataclass
class Annotation:
    article: ParsedArticle
    sentences: list[SentenceNote]
    claims: list[ClaimNote] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Exactly the issue's shape."""
        return {
            "title": self.article.title,
            "sentences": [
                {
                    "id": n.sentence.id,
                    "text": n.sentence.text,
                    "voice": n.voice.voice,
                    "loaded_words": list(n.loaded),
                }
                for n in self.sentences
            ],
            "claims": [
                {
                    "sentence_id": c.claim.sentence_id,
                    "text_span": c.claim.text_span,
                    "kind": c.claim.kind,
                    "stated_value": c.claim.stated_value,
                    "baseline_given": c.checks["baseline"].given,
                    "period_given": c.checks["period"].given,
                    "definition_given": c.checks["definition"].given,
                    "denominator_given": c.checks["denominator"].given,
                    "source_named": c.checks["source"].given,
                }
                for c in self.claims
            ],
        }

    def sentence(self, sentence_id: str) -> SentenceNote | None:
        return next((n for n in self.sentences if n.sentence.id == sentence_id), None)


def annotate(article: ParsedArticle | str) -> Annotation:
    """Annotate an article (parsed, or text with its title on the first line)."""
    if isinstance(article, str):
        article = parse_article(article)
    notes = [
        SentenceNote(s, classify(s.text, is_title=s.paragraph == 0), loaded_words(s.text))
        for s in article.sentences
    ]
    claims: list[ClaimNote] = []
    try:
        for s in article.sentences:
            for c in find_claims(s.id, s.text):
                if len(claims) < MAX_CLAIMS:
                    claims.append(ClaimNote(c, judge(c, s, article)))
    finally:
        clear_caches()
    return Annotation(article, notes, claims)
