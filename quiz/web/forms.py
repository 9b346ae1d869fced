"""The app's forms' base (CSRF, and text a database cannot hold refused beside the
field), the button that only needs the CSRF token, and the student's pages' forms.
Question inputs are read by each question type."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

# The check of what no database column holds is plain WTForms, shared with the question
# editors (quiz.questions may import nothing of the web); named here for the app's forms.
from quiz.questions.editors.fields import UNSTORABLE_MESSAGE as UNSTORABLE_MESSAGE
from quiz.questions.editors.fields import RowForm
from quiz.questions.editors.fields import StorableMeta as _StorableMeta
from quiz.questions.editors.fields import storable as storable


class Form(FlaskForm):
    """The base of every form of the app: Flask-WTF's (CSRF), and every text field
    checked by ``storable`` first, so that what one database refuses is refused with
    a message beside the field on both, never a 500."""

    class Meta(_StorableMeta):
        pass


#: the base of a form nested in another (``FormField``): text checked the same
SubForm = RowForm


class PlainForm(Form):
    """A button that only needs the CSRF token."""


class StartForm(Form):
    display_name = StringField(
        "Your name (as your teacher will see it)",
        validators=[
            DataRequired(message="Please type a name, so that you can find your attempt again."),
            Length(max=60, message="Please keep the name under 60 characters."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
    )
    submit = SubmitField("Start")


class ConfirmSubmitForm(Form):
    submit = SubmitField("Submit my answers for marking")


class AnswerForm(Form):
    """Carries the CSRF token; the question type reads its own fields."""


class JoinForm(Form):
    code = StringField(
        "Class code (from your teacher)",
        validators=[DataRequired(message="Type the class code your teacher gave you.")],
    )
    display_name = StringField(
        "Your name (as your teacher will see it)",
        validators=[
            DataRequired(message="Please type your name."),
            Length(max=60, message="Please keep the name under 60 characters."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
    )
    submit = SubmitField("Join the class")


class ReentryForm(Form):
    reentry_code = StringField(
        "Your personal re-entry code",
        validators=[DataRequired(message="Type the re-entry code your teacher gave you.")],
    )
    submit = SubmitField("Come back in")
