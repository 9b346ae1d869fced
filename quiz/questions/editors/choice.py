"""The editor ``single`` and ``multiple`` share: one row per option (text, correct,
feedback, misconception), shuffling, and the options' ids kept across edits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField, TextAreaField

from quiz.domain.article import Article
from quiz.questions.editors.base import Choices, Editor, QuestionForm, mark_required
from quiz.questions.editors.fields import RowForm, code_field
from quiz.questions.editors.places import (
    Messages,
    Picks,
    Sink,
    Tie,
    blank,
    number,
    shown,
    typed,
)


class OptionRow(RowForm):
    oid = HiddenField()
    text = StringField("Option text")
    correct = BooleanField("Correct")
    credit = StringField("Partial credit (0 to 1), if not correct")
    feedback = TextAreaField(
        "Feedback: why it is right or wrong (optional, recommended)", render_kw={"rows": 2}
    )
    misconception = code_field("Misconception a student who picks it shows (optional)")


class ChoiceForm(QuestionForm):
    shuffle = BooleanField("Shuffle the options (once per attempt)", default=True)
    options = FieldList(FormField(OptionRow))


class ChoiceEditor(Editor):
    form = ChoiceForm
    lists = ("options",)
    starting_rows = {"options": 4}
    #: whether an option that is not correct may carry partial credit
    partial_credit: ClassVar[bool] = False
    #: whether more than one option may be correct
    several_right: ClassVar[bool] = False

    def own_choices(self, form: QuestionForm, choices: Choices) -> None:
        assert isinstance(form, ChoiceForm)
        for n, row in enumerate(form.options):  # two options make a question
            if n < 2:
                mark_required(row.form.text)

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
        spec["shuffle"] = bool(form.shuffle.data)
        sinks["options"] = messages.sink("options")
        rows = [r for r in form.options if not blank(r.form, ("text", "credit", "feedback"))]
        used = {typed(r.form.oid) for r in rows if typed(r.form.oid)}
        fresh = (c for c in "abcdefghijklmnopqrstuvwxyz" if c not in used)
        items: list[dict[str, Any]] = []
        for n, row in enumerate(rows):
            r = row.form
            if not typed(r.oid):
                r.oid.data = next(fresh, f"o{len(used) + n + 1}")
            item: dict[str, Any] = {"id": typed(r.oid), "text": typed(r.text)}
            if r.correct.data:
                item["correct"] = True
            elif self.partial_credit and number(r.credit.data) is not None:
                item["credit"] = number(r.credit.data)
            item["feedback"] = typed(r.feedback)
            if typed(r.misconception):
                item["misconception"] = typed(r.misconception)
            items.append(item)
            path = f"options[{n}]"
            sinks[path] = messages.sink(row.name)
            for name in ("text", "correct", "credit", "feedback", "misconception"):
                tie(f"{path}.{name}", getattr(r, name))
        spec["options"] = items

    def own_data(
        self, spec: Mapping[str, Any], article: Article, data: dict[str, Any]
    ) -> Picks | None:
        data["shuffle"] = spec.get("shuffle", True)
        data["options"] = [
            {
                "oid": o.get("id", ""),
                "text": o.get("text", ""),
                "correct": o.get("correct") is True or o.get("credit") == 1,
                "credit": shown(o["credit"]) if o.get("credit") not in (None, 1) else "",
                "feedback": o.get("feedback", ""),
                "misconception": o.get("misconception", ""),
            }
            for o in spec.get("options") or []
        ]
        return None
