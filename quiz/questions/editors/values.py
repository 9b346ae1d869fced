"""The editor ``numeric`` and ``text`` share: accepted answers (with credit),
anticipated wrong ones (with the misconception they show), feedback for the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from wtforms import FieldList, TextAreaField

from quiz.domain.article import Article
from quiz.questions.editors.base import Choices, Editor, QuestionForm, mark_required, otherwise
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

_NUMBERS = ("value", "tolerance", "relative", "credit")


class ValuesForm(QuestionForm):
    answers: FieldList  # of the type's rows: set by each subclass
    wrong: FieldList
    otherwise = TextAreaField("Feedback for any other answer (optional)")


class ValuesEditor(Editor):
    form = ValuesForm
    lists = ("answers", "wrong")
    #: a row's fields, in the spec's order; the first is required in the first accepted row
    row_fields: ClassVar[tuple[str, ...]]

    def own_choices(self, form: QuestionForm, choices: Choices) -> None:
        assert isinstance(form, ValuesForm)
        rows = form.answers
        if rows:
            mark_required(getattr(rows[0].form, self.row_fields[0]))

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
        for list_name in ("answers", "wrong"):
            items = self._rows(form, list_name, tie, sinks, messages)
            if items or list_name == "answers":
                spec[list_name] = items
        otherwise(form, spec, tie)

    def _rows(
        self, form: Any, list_name: str, tie: Tie, sinks: dict[str, Sink], messages: Messages
    ) -> list[dict[str, Any]]:
        """Accepted values or answers (``answers``) and anticipated wrong ones (``wrong``)."""
        sinks[list_name] = messages.sink(list_name)
        names = self.row_fields
        written = tuple(n for n in names if n != "misconception")
        rows = [r for r in getattr(form, list_name) if not blank(r.form, written)]
        items: list[dict[str, Any]] = []
        for n, row in enumerate(rows):
            item: dict[str, Any] = {}
            for name in names:
                if name == "credit" and list_name != "answers":
                    continue
                f = getattr(row.form, name)
                tie(f"{list_name}[{n}].{name}", f)
                if name in _NUMBERS:
                    value = number(f.data)
                    if value is not None:
                        item[name] = value
                elif typed(f) or name in ("text", "feedback"):
                    item[name] = typed(f)
            items.append(item)
            sinks[f"{list_name}[{n}]"] = messages.sink(row.name)
        return items

    def own_data(
        self, spec: Mapping[str, Any], article: Article, data: dict[str, Any]
    ) -> Picks | None:
        data["otherwise"] = spec.get("otherwise", "")
        for list_name in ("answers", "wrong"):
            data[list_name] = [
                {k: shown(v) if k != "text" else v for k, v in item.items()}
                for item in spec.get(list_name) or []
            ]
        return None
