"""WTForms for the student's pages. Question inputs are read by each question type."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class StartForm(FlaskForm):
    display_name = StringField(
        "Your name (as your teacher will see it)",
        validators=[
            DataRequired(message="Please type a name, so that you can find your attempt again."),
            Length(max=60, message="Please keep the name under 60 characters."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
    )
    submit = SubmitField("Start")


class ConfirmSubmitForm(FlaskForm):
    submit = SubmitField("Submit my answers for marking")


class AnswerForm(FlaskForm):
    """Carries the CSRF token; the question type reads its own fields."""


class JoinForm(FlaskForm):
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


class ReentryForm(FlaskForm):
    reentry_code = StringField(
        "Your personal re-entry code",
        validators=[DataRequired(message="Type the re-entry code your teacher gave you.")],
    )
    submit = SubmitField("Come back in")
