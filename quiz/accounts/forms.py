"""WTForms for teachers' accounts: log in and sign up."""

from __future__ import annotations

import re
from typing import Any

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from quiz.web.forms import Form as FlaskForm

PASSWORD_MIN = 10
PASSWORD_MAX = 1000  # scrypt copes with any length; this only bounds the work per try
EMAIL_MAX = 254
NAME_MAX = 100

# Deliberately loose: one "@", something on each side, a dot in the domain, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(value: str | None) -> str:
    """How e-mails are stored and compared: stripped and lowercased."""
    return (value or "").strip().lower()


def looks_like_email(value: str) -> bool:
    return bool(_EMAIL.match(value)) and len(value) <= EMAIL_MAX


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _squash(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


# One rule for every new password (sign-up and change): WTForms validators are reusable.
NEW_PASSWORD_LENGTH = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=f"Use at least {PASSWORD_MIN} characters (a few words make a good one).",
)


def _email_shape(_form: FlaskForm, field: EmailField) -> None:
    if field.data and not looks_like_email(field.data):
        raise ValidationError("Type a whole e-mail address, like name@school.example.")


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail",
        validators=[
            DataRequired(message="Type your e-mail address."),
            Length(max=EMAIL_MAX, message="That is longer than any e-mail address."),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Type your password.")],
        render_kw={"autocomplete": "current-password"},
    )


class SignupForm(FlaskForm):
    display_name = StringField(
        "Your name",
        validators=[
            DataRequired(message="Type your name, as your students know you."),
            Length(max=NAME_MAX, message=f"Please keep the name under {NAME_MAX} characters."),
        ],
        filters=[_squash],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX},
    )
    email = EmailField(
        "E-mail",
        validators=[DataRequired(message="Type your e-mail address."), _email_shape],
        filters=[_strip],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Choose a password."),
            NEW_PASSWORD_LENGTH,
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Password again",
        validators=[
            DataRequired(message="Type the password a second time."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        "Your password now",
        validators=[DataRequired(message="Type the password you log in with now.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "New password",
        validators=[
            DataRequired(message="Choose a new password."),
            NEW_PASSWORD_LENGTH,
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired(message="Type the new password a second time."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class EverywhereForm(FlaskForm):
    """Carries the CSRF token of the "log out everywhere" button."""
