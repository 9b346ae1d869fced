"""A bank file's YAML read with the line of every key and item, and its problems as
``FILE:LINE: question ID: field: message`` (``BankError``). Pure: imports PyYAML and
the domain's bounded loader only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from quiz.domain.safe_yaml import BoundedLoader
from quiz.questions.base import Path


@dataclass
class BankError:
    file: str
    line: int
    question: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"question {self.question}" if self.question else "bank"
        return f"{self.file}:{self.line}: {where}: {self.field or '-'}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "question": self.question,
            "field": self.field,
            "message": self.message,
        }


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class Lines:
    """Line numbers of every mapping key and sequence item, by path."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self.duplicates: list[tuple[Path, int]] = []

    def walk(self, node: yaml.Node, path: Path = ()) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.duplicates.append(((*path, key), line))
                seen.add(key)
                self.lines[(*path, key)] = line
                self.walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, (*path, i))

    def line(self, path: Path) -> int:
        if not self.lines:
            return 0  # data that came from a form, not a file
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def parse_yaml(text: str) -> tuple[Any, Lines]:
    """The document's data and its line map (``BoundedLoader``: depth and aliases are
    bounded before anything is built)."""
    loader = BoundedLoader(text)  # bounds depth and aliases before building
    try:
        node = loader.get_single_node()
        lines = Lines()
        if node is None:
            return None, lines
        lines.walk(node)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


class Reporter:
    """Collects a bank's problems, each with the line of its place."""

    def __init__(self, file: str, lines: Lines) -> None:
        self.file = file
        self.lines = lines
        self.errors: list[BankError] = []

    def add(self, path: Path, message: str, question: str | None = None, base: Path = ()) -> None:
        full = (*base, *path)
        self.errors.append(
            BankError(self.file, self.lines.line(full), question, format_path(path), message)
        )
