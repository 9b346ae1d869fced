"""WTForms for the teacher's pages."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quiz.store import models as m
from quiz.web.fields import MultiCheckboxField, options
from quiz.web.forms import Form as FlaskForm
from quiz.web.forms import PlainForm as PlainForm  # the views' ``f.PlainForm``


def _squash(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


class ClassForm(FlaskForm):
    name = StringField(
        "Class name",
        validators=[DataRequired(message="Give the class a name."), Length(max=100)],
        filters=[_squash],
    )


class RetentionForm(FlaskForm):
    retention_days = IntegerField(
        "Keep students' data for (days; empty keeps it until you delete the class)",
        validators=[Optional(), NumberRange(min=1, max=3650, message="Between 1 and 3650 days.")],
    )


class DeleteClassForm(FlaskForm):
    confirm = StringField("Type the class name to confirm", filters=[_squash])


class RosterForm(FlaskForm):
    file = FileField("A CSV file whose first line is a header with a “name” column")
    text = TextAreaField("…or paste names, one per line (a comma is part of a name)")


class StudentNameForm(FlaskForm):
    name = StringField(
        "Display name",
        validators=[DataRequired(message="A name is needed."), Length(max=60)],
        filters=[_squash],
    )


class ExtraTimeForm(FlaskForm):
    minutes = IntegerField(
        "Extra minutes on timed assignments",
        validators=[InputRequired(), NumberRange(min=0, max=600, message="0 to 600 minutes.")],
    )


class MergeForm(FlaskForm):
    into = SelectField("Merge this student into", coerce=int)


FEEDBACK_LABELS = {
    m.FEEDBACK_IMMEDIATE: "After each question (the answer is then final)",
    m.FEEDBACK_AFTER_SUBMIT: "After the student submits",
    m.FEEDBACK_AFTER_CLOSE: "After the assignment closes",
    m.FEEDBACK_NEVER: "Never (score only)",
}
GRADING_LABELS = {
    "highest": "Highest attempt",
    "last": "Last attempt",
    "first": "First attempt",
    "average": "Average of attempts",
}
SELECTION_LABELS = {
    "all": "Every question of the bank",
    "skills": "The questions of some skills",
    "manual": "Questions I pick",
    "random": "A random draw of N questions per skill (fixed per attempt)",
}


class AssignmentForm(FlaskForm):
    title = StringField(
        "Title (empty: the bank's title)",
        validators=[Length(max=200)],
        filters=[_squash],
    )
    bank = SelectField("Question bank", coerce=int)
    selection = RadioField("Which questions", choices=options(SELECTION_LABELS), default="all")
    skills = MultiCheckboxField("Skills")
    questions = MultiCheckboxField("Questions")
    per_skill = IntegerField(
        "Questions per skill (random draw)",
        default=3,
        validators=[Optional(), NumberRange(min=1, max=100)],
    )
    opens_at = DateTimeLocalField(
        "Opens", format="%Y-%m-%dT%H:%M", validators=[InputRequired(message="When does it open?")]
    )
    closes_at = DateTimeLocalField(
        "Closes (optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    time_limit_minutes = IntegerField(
        "Time limit in minutes (optional)",
        validators=[Optional(), NumberRange(min=1, max=1440, message="1 to 1440 minutes.")],
    )
    attempts_allowed = IntegerField(
        "Attempts allowed (0 for unlimited)",
        default=1,
        validators=[InputRequired(), NumberRange(min=0, max=100, message="0 to 100.")],
    )
    grading = SelectField("Grade by", choices=options(GRADING_LABELS), default="highest")
    feedback = SelectField(
        "Students see feedback and right answers",
        choices=options(FEEDBACK_LABELS),
        default=m.FEEDBACK_AFTER_SUBMIT,
    )
    shuffle_questions = BooleanField("Shuffle the order of questions")
    shuffle_options = BooleanField("Shuffle the options of choice questions", default=True)
    fresh_numbers = BooleanField(
        "Fresh numbers for each student (questions that draw their numbers)", default=True
    )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.opens_at.data and self.closes_at.data and self.closes_at.data <= self.opens_at.data:
            self.closes_at.errors = [*self.closes_at.errors, "It must close after it opens."]
            ok = False
        if self.selection.data == "skills" and not self.skills.data:
            self.skills.errors = [*self.skills.errors, "Tick at least one skill."]
            ok = False
        if self.selection.data == "manual" and not self.questions.data:
            self.questions.errors = [*self.questions.errors, "Tick at least one question."]
            ok = False
        if self.selection.data == "random" and not self.per_skill.data:
            self.per_skill.errors = [*self.per_skill.errors, "How many per skill?"]
            ok = False
        return ok
