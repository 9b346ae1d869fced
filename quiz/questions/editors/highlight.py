"""``highlight``'s editor: sentences ticked in the article, each right or a
distractor; the paragraphs shown; feedback for any other pick."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import TextAreaField

from quiz.domain.article import Article
from quiz.questions.classify import sentence_label
from quiz.questions.editors.base import Choices, QuestionForm, lines_of, otherwise
from quiz.questions.editors.fields import MultiCheckboxField, options
from quiz.questions.editors.places import Messages, Picks, Sink, Tie
from quiz.questions.editors.sentences import SentencesEditor

ROLES = {
    "right": "Right: meets the criterion",
    "distractor": "Distractor: a tempting wrong pick",
}


class HighlightForm(QuestionForm):
    paragraphs = MultiCheckboxField("Paragraphs shown (none ticked: the whole article)")
    otherwise = TextAreaField("Feedback for any other wrong pick (optional)")


class HighlightEditor(SentencesEditor):
    type = "highlight"
    name = "Highlight sentences"
    form = HighlightForm
    kinds = ("sentences", "distractors")
    roles = ROLES
    answer_hint = (
        "The sentences picked, one per line: a sentence id such as p3-s2, or a quote of it."
    )

    def own_choices(self, form: QuestionForm, choices: Choices) -> None:
        assert isinstance(form, HighlightForm)
        article = choices.article
        form.paragraphs.choices = options(
            (str(n), sentence_label(article, para[0].id, words=6))
            for n, para in enumerate(article.paragraphs, start=1)
            if para
        )

    def answer_value(self, text: str) -> Any:
        """One sentence per line."""
        return lines_of(text)

    def list_of(self, details: Mapping[str, str]) -> str:
        return "distractors" if details.get("role") == "distractor" else "sentences"

    def fill_spec(
        self,
        form: Any,
        spec: dict[str, Any],
        picks: Picks,
        article: Article,
        tie: Tie,
        sinks: dict[str, Sink],
        messages: Messages,
    ) -> None:
        if form.paragraphs.data:
            spec["paragraphs"] = [int(p) for p in form.paragraphs.data if p.isdigit()]
        tie("paragraphs", form.paragraphs)
        super().fill_spec(form, spec, picks, article, tie, sinks, messages)
        otherwise(form, spec, tie)

    def own_data(
        self, spec: Mapping[str, Any], article: Article, data: dict[str, Any]
    ) -> Picks | None:
        data["paragraphs"] = [str(p) for p in spec.get("paragraphs") or []]
        data["otherwise"] = spec.get("otherwise", "")
        return super().own_data(spec, article, data)

    def shown_paragraphs(self, spec: dict[str, Any], article: Article) -> set[int]:
        """The paragraphs listed that the new article still has (the list dropped when
        none is left: the whole article)."""
        count = len(article.paragraphs)
        if "paragraphs" in spec:
            kept = [p for p in spec["paragraphs"] or [] if isinstance(p, int) and 1 <= p <= count]
            if kept:
                spec["paragraphs"] = kept
            else:
                del spec["paragraphs"]
        return set(spec.get("paragraphs") or range(1, count + 1))
