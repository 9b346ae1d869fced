"""Where the bank's messages go on an editor page: each place in a spec
(``options[1].feedback``) is tied to the form field it came from (a ``Sink``), so that
a ``BankError`` about it is shown beside that field; what has no field of its own goes
to ``Messages``. Sentences ticked in the article are ``Picks``."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from wtforms import Field

Sink = Callable[[str], None]
Tie = Callable[[str, Field], None]
_LAST_STEP = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


class PlacedError(Protocol):
    """A bank's message about a place (``quiz.domain.banks.BankError``)."""

    question: str | None
    field: str
    message: str


class FormData(Protocol):
    """A submitted form: werkzeug's ``MultiDict`` or any mapping with ``getlist``."""

    def get(self, key: str) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...


@dataclass
class Picks:
    """The sentences ticked in the article and what was written about each."""

    chosen: list[str] = field(default_factory=list)  # sentence ids, in reading order
    details: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: dict[str, dict[str, list[str]]] = field(default_factory=dict)


@dataclass
class Messages:
    """Messages that have no input of their own: a list's, a row's, the bank's."""

    extra: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    check_rows: list[str] = field(default_factory=list)  # the checks' rows, in spec order

    def sink(self, key: str) -> Sink:
        return lambda message: self.extra.setdefault(key, []).append(message)


def place_errors(
    errors: list[Any], label: str, sinks: Mapping[str, Sink], messages: Messages
) -> None:
    """Each message (a ``PlacedError``) beside the field it is about; the rest at the
    top of the form."""
    for e in errors:
        if e.question != label:
            where = f"question {e.question}" if e.question else "the bank"
            messages.general.append(f"{where}: {e.field}: {e.message}")
            continue
        path = e.field
        while path and path not in sinks:
            path = _LAST_STEP.sub("", path) if _LAST_STEP.search(path) else ""
        if path:
            sinks[path](e.message)
        else:
            messages.general.append(f"{e.field}: {e.message}")


def number(text: str | None) -> Any:
    """A typed number as a bank file would hold it; text that is no number is kept
    as text, so that the bank's check says what is wrong with it."""
    typed = (text or "").strip()
    if not typed:
        return None
    try:
        value = float(typed.replace("\u2212", "-"))
    except ValueError:
        return typed
    if math.isnan(value) or math.isinf(value):
        return typed
    return int(value) if value.is_integer() else value


def shown(value: Any) -> str:
    """A spec's number as the form shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def typed(f: Field) -> str:
    """What was typed in a text field, trimmed."""
    return (f.data or "").strip() if isinstance(f.data, str) else ""


def add_error(f: Field, message: str) -> None:
    f.errors = [*f.errors, message]


def blank(row: Any, names: tuple[str, ...]) -> bool:
    """Whether a row of a list was left empty (it is then left out)."""
    return all(not typed(getattr(row, n)) for n in names) and not getattr(
        getattr(row, "correct", None), "data", False
    )
