"""``classify``'s editor: sentences ticked in the article, each with its right
category; the categories offered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quiz.domain.article import Article
from quiz.questions.editors.base import Choices, QuestionForm, lines_of
from quiz.questions.editors.fields import MultiCheckboxField, options
from quiz.questions.editors.places import Messages, Picks, Sink, Tie
from quiz.questions.editors.sentences import SentencesEditor


class ClassifyForm(QuestionForm):
    categories = MultiCheckboxField("Categories offered (none ticked: all of the bank's)")


class ClassifyEditor(SentencesEditor):
    type = "classify"
    name = "Sentence classification"
    form = ClassifyForm
    answer_hint = (
        "One line per sentence: its id or a quote, “=”, then a category key, "
        "e.g. p1-s1 = attributed."
    )

    def own_choices(self, form: QuestionForm, choices: Choices) -> None:
        assert isinstance(form, ClassifyForm)
        form.categories.choices = options(choices.categories)

    def answer_value(self, text: str) -> Any:
        """``sentence = category`` lines (``:`` also separates)."""
        labels: dict[str, str] = {}
        for line in lines_of(text):
            sep = "=" if "=" in line else ":"
            sentence, _, category = line.rpartition(sep) if sep in line else (line, "", "")
            labels[sentence.strip()] = category.strip()
        return labels

    def item_of(self, quote: str, details: Mapping[str, str]) -> dict[str, Any]:
        return {
            "quote": quote,
            "category": details.get("category", ""),
            **super().item_of(quote, details),
        }

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
        if form.categories.data:
            spec["categories"] = list(form.categories.data)
        tie("categories", form.categories)
        super().fill_spec(form, spec, picks, article, tie, sinks, messages)

    def own_data(
        self, spec: Mapping[str, Any], article: Article, data: dict[str, Any]
    ) -> Picks | None:
        data["categories"] = list(spec.get("categories") or [])
        return super().own_data(spec, article, data)
