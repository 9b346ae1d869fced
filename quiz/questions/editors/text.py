"""``text``'s editor: accepted answers and anticipated wrong ones, as typed."""

from __future__ import annotations

from wtforms import FieldList, FormField, StringField, TextAreaField

from quiz.questions.editors.fields import RowForm, code_field
from quiz.questions.editors.values import ValuesEditor, ValuesForm


class PhraseRow(RowForm):
    text = StringField("Answer text")
    credit = StringField("Credit (0 to 1; empty: full credit)")
    feedback = TextAreaField("Feedback (optional, recommended)", render_kw={"rows": 2})
    misconception = code_field("Misconception it shows (optional)")


class TextForm(ValuesForm):
    answers = FieldList(FormField(PhraseRow))
    wrong = FieldList(FormField(PhraseRow))


class TextEditor(ValuesEditor):
    type = "text"
    name = "Short text"
    form = TextForm
    starting_rows = {"answers": 2, "wrong": 1}
    row_fields = ("text", "credit", "feedback", "misconception")
