"""WTForms for authoring banks: the bank, its article, its catalogues, an upload. The
forms only carry what was typed: every check of content is done by
``quiz.domain.banks.parse_bank_data`` on the whole bank. A question's form is its
type's editor's (``quiz.questions.editors``)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length

from quiz.questions.editors import EDITORS
from quiz.web.forms import Form as FlaskForm
from quiz.web.forms import SubForm as Form

TEXT_MAX = 400_000


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


#: the question types' names, in the registry's order (the bank page's "New" buttons)
TYPE_NAMES = {qtype: editor.name for qtype, editor in EDITORS.items()}
