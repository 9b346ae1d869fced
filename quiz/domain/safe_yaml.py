"""YAML read with bounds, checked before any document is built.

Pure Python: no Flask, no database. PyYAML's safe loader refuses to build
objects, but not to build large ones: a few lines of aliases ("billion laughs")
name a document of 10⁹ nodes, and 500 nested ``[`` or mappings overflow its
recursive composer. Here every event of the stream is counted as the composer
asks for it, so a file is refused at the event that goes past a bound, while
only what was read so far exists:

- nesting deeper than ``MAX_DEPTH`` lists and mappings;
- more than ``MAX_ALIASES`` aliases (``*name``);
- an alias to a value that is still open (a document that contains itself);
- a list or a mapping used as a mapping's key;
- an integer of more than ``MAX_DIGITS`` digits (Python converts at most 4,300);
- a document of more than ``MAX_NODES`` values or ``MAX_CHARS`` characters of
  text, each alias counted as the values it repeats (about 600 bytes of memory a
  value while the file is read: the bounds keep any file under the upload limit
  well under 100 MB).

A bank file has no use for more than about eight levels and writes every value
out; the bounds leave room for a hand-written anchor or two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    NodeEvent,
    ScalarEvent,
)

MAX_DEPTH = 40
MAX_ALIASES = 100
MAX_NODES = 50_000
MAX_CHARS = 2_000_000


class YAMLLimitError(yaml.MarkedYAMLError):
    """A document refused for its shape before it was built; ``problem_mark`` is
    where (``.line`` counts from 0, as PyYAML's marks do)."""


@dataclass
class _Open:
    anchor: str | None
    nodes: int
    chars: int


@dataclass
class _Counter:
    depth: int = 0
    aliases: int = 0
    nodes: int = 0
    chars: int = 0
    open: list[_Open] = field(default_factory=list)
    # Expanded size of each closed anchor: (values, characters).
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)

    def see(self, event: Event) -> None:
        if isinstance(event, DocumentStartEvent):
            self.open.clear()
            self.sizes.clear()
            self.depth = 0
        if isinstance(event, AliasEvent):
            self._alias(event)
        elif isinstance(event, ScalarEvent):
            self._grow(event, 1, len(event.value))
            if event.anchor is not None:
                self.sizes[event.anchor] = (1, len(event.value))
        elif isinstance(event, CollectionStartEvent):
            self._collection_start(event)
        elif isinstance(event, CollectionEndEvent):
            self._collection_end()

    def _alias(self, event: AliasEvent) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            self._refuse(event, f"more than {MAX_ALIASES} aliases (*name) in one file")
        size = self.sizes.get(event.anchor or "")
        if size is None:
            if any(o.anchor == event.anchor for o in self.open):
                self._refuse(
                    event,
                    f"the alias *{event.anchor} is inside the value it names "
                    "(a value cannot contain itself)",
                )
            return  # an undefined alias: the composer reports it
        self._grow(event, *size)

    def _collection_start(self, event: CollectionStartEvent) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self._refuse(event, f"lists and mappings nested more than {MAX_DEPTH} levels deep")
        self._grow(event, 1, 0)
        self.open.append(_Open(event.anchor, self.nodes, self.chars))

    def _collection_end(self) -> None:
        self.depth -= 1
        if self.open:
            start = self.open.pop()
            if start.anchor is not None:
                self.sizes[start.anchor] = (
                    self.nodes - start.nodes + 1,
                    self.chars - start.chars,
                )

    def _grow(self, event: NodeEvent, nodes: int, chars: int) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > MAX_NODES:
            self._refuse(
                event, f"more than {MAX_NODES:,} values (each alias counts what it repeats)"
            )
        if self.chars > MAX_CHARS:
            self._refuse(
                event,
                f"more than {MAX_CHARS:,} characters of text (each alias counts what it repeats)",
            )

    @staticmethod
    def _refuse(event: Event, problem: str) -> None:
        mark = event.start_mark  # PyYAML's pure-Python marks (the C parser is not used)
        raise YAMLLimitError(
            problem=problem, problem_mark=mark if isinstance(mark, yaml.Mark) else None
        )


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's ``SafeLoader`` whose event stream is counted as it is read (see the
    module's docstring); a bound passed raises ``YAMLLimitError``."""

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)
        self._counter = _Counter()

    def get_event(self) -> Event:
        event = super().get_event()
        self._counter.see(event)
        return event

    # types-PyYAML gives the anchor parameter the type of the anchors' dict; PyYAML
    # passes the anchor's name (str | None), as this override says.
    def compose_mapping_node(self, anchor: str | None) -> yaml.MappingNode:  # type: ignore[override]
        """A mapping whose keys are text (a list or a mapping as a key, ``{[1]: 2}``,
        has no use in a bank and cannot be looked up)."""
        node: yaml.MappingNode = super().compose_mapping_node(anchor)  # type: ignore[arg-type]
        for key, _value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise YAMLLimitError(
                    problem="a key must be text, not a list or a mapping",
                    problem_mark=key.start_mark,
                )
        return node


MAX_DIGITS = 100


def _construct_int(loader: BoundedLoader, node: yaml.ScalarNode) -> int:
    """An integer of at most ``MAX_DIGITS`` digits (Python refuses to convert more
    than 4,300, with a ValueError that no caller expects)."""
    if len(node.value) > MAX_DIGITS:
        raise YAMLLimitError(
            problem=f"a whole number of more than {MAX_DIGITS} digits",
            problem_mark=node.start_mark,
        )
    return yaml.SafeLoader.construct_yaml_int(loader, node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def compose(text: str) -> yaml.Node | None:
    """The single document of ``text`` as a node graph (aliases shared, not copied),
    or None for an empty file. Raises ``yaml.YAMLError`` (``YAMLLimitError`` for a
    bound) with the line in its mark."""
    loader = BoundedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def load(text: str) -> object:
    """``yaml.safe_load`` of one document within the bounds."""
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
