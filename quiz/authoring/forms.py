"""WTForms for authoring banks. The forms only carry what was typed: every check of
content is done by ``quiz.domain.banks.parse_bank_data`` on the whole bank, and its
messages are put back beside the fields (``quiz.authoring.specs``)."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, ValidationError

from quiz.classes.pages.forms import MultiCheckboxField, options
from quiz.web.forms import Form as FlaskForm
from quiz.web.forms import SubForm as Form

TEXT_MAX = 400_000
CODES = {"autocomplete": "off", "spellcheck": "false"}
REQUIRED = {"required": True, "aria-required": "true"}
#: the misconception selects' choice for "the new one written below"
NEW_CODE = "__new__"
PICK_CODE = (
    "Pick a misconception from the bank's list, or choose “A new one” and write its code "
    "and text under “A new misconception”."
)


class CodeField(SelectField):
    """A misconception: one of the bank's catalogue (choices set per request), none, or
    the new one written on the same form; anything else is refused, never kept silently."""

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data not in {str(c[0]) for c in self.iter_choices()}:
            raise ValidationError(PICK_CODE)

    def iter_choices(self):  # noqa: ANN201
        return super().iter_choices() if self.choices is not None else iter(())


def code_field(label: str) -> CodeField:
    return CodeField(label, choices=[], validate_choice=True, default="")


UNITS = {
    "number": "A plain number (1,200)",
    "percent": "A percentage (500%)",
    "times": "A multiplier (6×)",
}
ROLES = {
    "right": "Right: meets the criterion",
    "distractor": "Distractor: a tempting wrong pick",
}


class PlainForm(FlaskForm):
    """A button that only needs the CSRF token."""


class BankForm(FlaskForm):
    title = StringField("Bank title")
    description = TextAreaField("Description (one or two sentences, Markdown)")
    article_title = StringField("Article title (the headline)")
    source = StringField("Source note (where the text comes from)")
    text = TextAreaField(
        "Article text (paragraphs separated by a blank line)",
        validators=[Length(max=TEXT_MAX, message="The text is too long.")],
        render_kw={"rows": 16},
    )


class InfoForm(FlaskForm):
    title = StringField("Bank title")
    description = TextAreaField("Description (one or two sentences, Markdown)")


class ArticleForm(FlaskForm):
    article_title = StringField("Article title (the headline)")
    source = StringField("Source note (where the text comes from)")
    text = TextAreaField(
        "Article text (paragraphs separated by a blank line)",
        validators=[Length(max=TEXT_MAX, message="The text is too long.")],
        render_kw={"rows": 16},
    )
    confirm = HiddenField()


class UploadForm(FlaskForm):
    file = FileField("A bank file (at most 512 KiB)")


class LabelRow(Form):
    key = HiddenField()
    text = StringField("Name")
    remove = BooleanField("Remove")


class CatalogueForm(FlaskForm):
    """Skills, categories or misconceptions: rename, remove, add one."""

    rows = FieldList(FormField(LabelRow))
    new_key = StringField("New key")
    new_label = StringField("Its name")


# -- questions ---------------------------------------------------------------------------


class OptionRow(Form):
    oid = HiddenField()
    text = StringField("Option text")
    correct = BooleanField("Correct")
    credit = StringField("Partial credit (0 to 1), if not correct")
    feedback = TextAreaField(
        "Feedback: why it is right or wrong (optional, recommended)", render_kw={"rows": 2}
    )
    misconception = code_field("Misconception a student who picks it shows (optional)")


class ValueRow(Form):
    value = StringField("Value")
    tolerance = StringField("Tolerance (±, in the answer's unit)")
    relative = StringField("Or relative tolerance (0.01 is 1%)")
    credit = StringField("Credit (0 to 1; empty: full credit)")
    feedback = TextAreaField("Feedback (optional, recommended)", render_kw={"rows": 2})
    misconception = code_field("Misconception it shows (optional)")


class PhraseRow(Form):
    text = StringField("Answer text")
    credit = StringField("Credit (0 to 1; empty: full credit)")
    feedback = TextAreaField("Feedback (optional, recommended)", render_kw={"rows": 2})
    misconception = code_field("Misconception it shows (optional)")


class CheckRow(Form):
    """One of the question's own tests: an answer and the score it must get."""

    answer = TextAreaField("A student's answer", render_kw={"rows": 2})
    expect = StringField("Score it must get")
    misconception = code_field("Misconception it must reveal (optional)")


class QuestionForm(FlaskForm):
    qid = StringField("Question id (letters, digits, - _ .; results use it)")
    skill = SelectField("Skill")
    prompt = TextAreaField(
        "Prompt: the question (required; Markdown, one paragraph)", render_kw=REQUIRED
    )
    points = StringField("Points (weight; empty: 1)")
    explanation = TextAreaField(
        "Explanation: the reasoning, shown with the feedback (optional, recommended)"
    )
    checks = FieldList(FormField(CheckRow))
    new_code = StringField(
        "Its code (capital letters, digits and _, e.g. PERCENT_VS_POINTS)",
        validators=[Length(max=40, message="At most 40 characters.")],
        render_kw=CODES,
    )
    new_text = TextAreaField(
        "What a student reads about it",
        validators=[Length(max=1000, message="At most 1,000 characters.")],
        render_kw={"rows": 2},
    )


class ChoiceForm(QuestionForm):
    shuffle = BooleanField("Shuffle the options (once per attempt)", default=True)
    options = FieldList(FormField(OptionRow))


class NumericForm(QuestionForm):
    unit = SelectField("The answer is", choices=options(UNITS), default="number")
    answers = FieldList(FormField(ValueRow))
    wrong = FieldList(FormField(ValueRow))
    otherwise = TextAreaField("Feedback for any other value (optional)")


class TextForm(QuestionForm):
    answers = FieldList(FormField(PhraseRow))
    wrong = FieldList(FormField(PhraseRow))
    otherwise = TextAreaField("Feedback for any other answer (optional)")


class ClassifyForm(QuestionForm):
    categories = MultiCheckboxField("Categories offered (none ticked: all of the bank's)")


class HighlightForm(QuestionForm):
    paragraphs = MultiCheckboxField("Paragraphs shown (none ticked: the whole article)")
    otherwise = TextAreaField("Feedback for any other wrong pick (optional)")


QUESTION_FORMS: dict[str, type[QuestionForm]] = {
    "single": ChoiceForm,
    "multiple": ChoiceForm,
    "numeric": NumericForm,
    "text": TextForm,
    "classify": ClassifyForm,
    "highlight": HighlightForm,
}
TYPE_NAMES = {
    "single": "Single choice",
    "multiple": "Multiple select",
    "numeric": "Numeric",
    "classify": "Sentence classification",
    "highlight": "Highlight sentences",
    "text": "Short text",
}
#: empty rows a new question starts with
STARTING_ROWS = {
    "single": {"options": 4},
    "multiple": {"options": 4},
    "numeric": {"answers": 1, "wrong": 2},
    "text": {"answers": 2, "wrong": 1},
}
