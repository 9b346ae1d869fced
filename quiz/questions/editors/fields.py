"""WTForms pieces the question editors and the app's pages share: choices from
(value, label) pairs, a list of checkboxes, the misconception select, and the check
that refuses text no database column holds. Plain WTForms: no Flask (the pages add
the CSRF token through ``quiz.web.forms.Form``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import wtforms
from wtforms import Field, SelectField, SelectMultipleField, StringField
from wtforms.fields import choices as _choices
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from quiz.questions.base import UNSTORABLE

# WTForms 3.3's choice (a (value, label) tuple is deprecated); its stubs predate it.
SelectChoice: Callable[..., Any] = _choices.__dict__["SelectChoice"]

UNSTORABLE_MESSAGE = (
    "This contains a character that cannot be stored (a NUL byte, often pasted from "
    "another program, shown as nothing or as a box). Please remove it and send again."
)
CODES = {"autocomplete": "off", "spellcheck": "false"}
REQUIRED = {"required": True, "aria-required": "true"}
#: the misconception selects' choice for "the new one written below"
NEW_CODE = "__new__"
PICK_CODE = (
    "Pick a misconception from the bank's list, or choose “A new one” and write its code "
    "and text under “A new misconception”."
)


def storable(_form: Any, field: Field) -> None:
    """WTForms validator: refuse text that a database column cannot hold (NUL, which
    PostgreSQL refuses in text, and lone surrogates, which have no UTF-8 encoding)."""
    values = field.data if isinstance(field.data, list) else [field.data]
    if any(isinstance(v, str) and UNSTORABLE.search(v) for v in values):
        raise ValidationError(UNSTORABLE_MESSAGE)


class StorableMeta:
    """A form ``Meta`` that puts ``storable`` first on every text field."""

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
        field: Field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]  # a mixin: DefaultMeta follows it
        if isinstance(field, StringField):  # text areas, e-mail, password too
            field.validators = [storable, *field.validators]
        return field


class RowForm(wtforms.Form):
    """A form nested in another (``FormField``), or an editor's form before the page
    adds its CSRF token: text checked by ``storable`` the same."""

    class Meta(StorableMeta):
        pass


def options(pairs: Mapping[Any, str] | Iterable[tuple[Any, str]]) -> list[Any]:
    """Choices for a select, radio or checkbox list from (value, label) pairs or a dict."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CodeField(SelectField):
    """A misconception: one of the bank's catalogue (choices set per request), none, or
    the new one written on the same form; anything else is refused, never kept silently."""

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data not in {str(c[0]) for c in self.iter_choices()}:
            raise ValidationError(PICK_CODE)

    def iter_choices(self) -> Iterator[Any]:
        return super().iter_choices() if self.choices is not None else iter(())


def code_field(label: str) -> CodeField:
    return CodeField(label, choices=[], validate_choice=True, default="")
