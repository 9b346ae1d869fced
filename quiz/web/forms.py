"""WTForms for the student's pages. Question inputs are read by each question type."""

from __future__ import annotations

import re
from typing import Any

import wtforms
from flask_wtf import FlaskForm
from wtforms import Field, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

# What neither database can hold in a text column: NUL (PostgreSQL refuses it in
# text, SQLite kept it) and lone surrogates (no UTF-8 encoding; a browser never
# sends them, the form decoder turns bad bytes into U+FFFD).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = (
    "This contains a character that cannot be stored (a NUL byte, often pasted from "
    "another program, shown as nothing or as a box). Please remove it and send again."
)


def storable(_form: Any, field: Field) -> None:
    """WTForms validator: refuse text that a database column cannot hold."""
    values = field.data if isinstance(field.data, list) else [field.data]
    if any(isinstance(v, str) and UNSTORABLE.search(v) for v in values):
        raise ValidationError(UNSTORABLE_MESSAGE)


class _StorableMeta:
    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
        field: Field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
        if isinstance(field, StringField):  # text areas, e-mail, password too
            field.validators = [storable, *field.validators]
        return field


class Form(FlaskForm):
    """The base of every form of the app: Flask-WTF's (CSRF), and every text field
    checked by ``storable`` first, so that what one database refuses is refused with
    a message beside the field on both, never a 500."""

    class Meta(_StorableMeta):
        pass


class SubForm(wtforms.Form):
    """The base of a form nested in another (``FormField``): text checked the same."""

    class Meta(_StorableMeta):
        pass


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
