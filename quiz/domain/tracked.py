"""A bank question's fields as its parser reads them, to report the fields nobody read.

Each question type's ``from_spec`` knows which fields it reads, at every level
(a question's ``options``, each option's ``feedback``...). Rather than keep a
second list of those fields per type, the parser is handed the question wrapped
in a ``TrackedMapping``: what it never looked at, after parsing, is a field the
type does not have, most often a misspelling (``explantion``, ``corect``) that
would otherwise be ignored without a word.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from quiz.questions.base import Path


class TrackedMapping(Mapping[Any, Any]):
    """A read-only view of a mapping that remembers which keys were read (by
    ``[]``, ``get`` or ``in``); nested mappings, also inside lists, are tracked
    too. Iterating over it counts as reading every key."""

    def __init__(self, data: Mapping[Any, Any]) -> None:
        self._data = data
        self._read: set[Any] = set()
        self._wrapped: dict[Any, Any] = {}

    def __getitem__(self, key: Any) -> Any:
        self._read.add(key)  # looked for, even when absent: known() lists it
        value = self._data[key]
        if key not in self._wrapped:
            self._wrapped[key] = _track(value)
        return self._wrapped[key]

    def __iter__(self) -> Iterator[Any]:
        self._read.update(self._data)
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def known(self) -> list[str]:
        """The keys the parser looked for, present or not, sorted."""
        return sorted(str(k) for k in self._read)

    def unread(self, path: Path = ()) -> Iterator[tuple[Path, list[str]]]:
        """Each field never read, with its path and the fields read beside it. A
        nested mapping that was never reached is not searched: its parent field's
        own problem has been reported instead."""
        for key in self._data:
            if key not in self._read:
                yield (*path, str(key)), self.known()
        for key, value in self._wrapped.items():
            yield from _unread(value, (*path, str(key)))


def _track(value: Any) -> Any:
    if isinstance(value, Mapping):
        return TrackedMapping(value)
    if isinstance(value, list):
        return [_track(v) for v in value]
    return value


def _unread(value: Any, path: Path) -> Iterator[tuple[Path, list[str]]]:
    if isinstance(value, TrackedMapping):
        yield from value.unread(path)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _unread(item, (*path, i))
