"""``numeric``'s editor: the unit asked for, accepted values with a tolerance, and
anticipated wrong values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import FieldList, FormField, SelectField, StringField, TextAreaField

from quiz.domain.article import Article
from quiz.questions.editors.fields import RowForm, code_field, options
from quiz.questions.editors.places import Messages, Picks, Sink, Tie
from quiz.questions.editors.values import ValuesEditor, ValuesForm

UNITS = {
    "number": "A plain number (1,200)",
    "percent": "A percentage (500%)",
    "times": "A multiplier (6×)",
}


class ValueRow(RowForm):
    value = StringField("Value")
    tolerance = StringField("Tolerance (±, in the answer's unit)")
    relative = StringField("Or relative tolerance (0.01 is 1%)")
    credit = StringField("Credit (0 to 1; empty: full credit)")
    feedback = TextAreaField("Feedback (optional, recommended)", render_kw={"rows": 2})
    misconception = code_field("Misconception it shows (optional)")


class NumericForm(ValuesForm):
    unit = SelectField("The answer is", choices=options(UNITS), default="number")
    answers = FieldList(FormField(ValueRow))
    wrong = FieldList(FormField(ValueRow))
    otherwise = TextAreaField("Feedback for any other value (optional)")


class NumericEditor(ValuesEditor):
    type = "numeric"
    name = "Numeric"
    form = NumericForm
    starting_rows = {"answers": 1, "wrong": 2}
    row_fields = ("value", "tolerance", "relative", "credit", "feedback", "misconception")
    answer_hint = "The value as a student would type it, e.g. 500% or −83.3%."

    def can_edit(self, spec: Mapping[str, Any]) -> bool:
        # No fields for variables and formulas yet (their questions are edited in the file).
        return not spec.get("variables")

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
        spec["unit"] = form.unit.data or "number"
        tie("unit", form.unit)
        super().fill_spec(form, spec, picks, article, tie, sinks, messages)

    def own_data(
        self, spec: Mapping[str, Any], article: Article, data: dict[str, Any]
    ) -> Picks | None:
        data["unit"] = spec.get("unit", "number")
        return super().own_data(spec, article, data)
