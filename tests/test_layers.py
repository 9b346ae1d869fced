"""The rooms of ``quiz/`` and which may import which (docs/architecture.md).

Every ``import`` in the package is read with :mod:`ast` (the ones inside
functions too), mapped to the room it names, and checked against one table:
the domain imports neither Flask nor SQLAlchemy nor the database, a use case
imports no page, and no two rooms import each other, even by a detour.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "quiz"

# The pure rooms: grading, statistics, bank parsing, the article splitter, the
# drafter and the bank formats. Plain Python and parsing libraries only.
PURE = {"domain", "questions", "drafting", "interchange"}
WEB_LIBRARIES = {"flask", "flask_wtf", "werkzeug", "sqlalchemy", "alembic", "psycopg"}

# Room -> the rooms it may import. ``web.support`` is what pages and use cases share
# (configuration, the forms' base class, field helpers, times shown to people, the
# commands' database check); ``web`` is the app's wiring and commands, which import
# every room to register them. ``quiz`` is create_app.
ALLOWED: dict[str, set[str]] = {
    "questions": {"domain"},
    "domain": {"questions"},
    "drafting": {"domain", "questions"},
    "interchange": {"domain", "questions", "drafting"},
    "store": set(),
    "web.support": {"store", "domain", "questions"},
    "services": {"domain", "questions", "store"},
    "classes": {"domain", "questions", "store", "services", "web.support"},
    "reports": {"domain", "questions", "store", "services", "classes", "web.support"},
    "accounts": {"domain", "store", "services", "web.support"},
    "classes.pages": {
        "domain",
        "questions",
        "store",
        "services",
        "classes",
        "reports",
        "accounts",
        "web.support",
    },
    "student": {"domain", "questions", "store", "services", "classes", "reports", "web.support"},
    "authoring": {
        "domain",
        "questions",
        "drafting",
        "interchange",
        "store",
        "services",
        "classes",
        "reports",
        "accounts",
        "web.support",
    },
    "web": set(),  # filled below: anything
    "quiz": {"web", "web.support", "store"},
}
ENTRY = {"web", "quiz"}
ALLOWED["web"] = set(ALLOWED) - {"web", "quiz"}


def room_of(module: str) -> str | None:
    """The room a dotted module name belongs to; None outside the package."""
    parts = module.split(".")
    if parts[0] != "quiz":
        return None
    if len(parts) == 1:
        return "quiz"
    if parts[1:3] == ["classes", "pages"]:
        return "classes.pages"
    if parts[1] == "web":
        return "web" if len(parts) > 2 and parts[2] in {"app", "cli"} else "web.support"
    return parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) for each import in a file; ``from quiz import x`` gives quiz.x."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "quiz" or node.module.startswith("quiz."):
                for alias in node.names:
                    yield node.lineno, f"{node.module}.{alias.name}"
            yield node.lineno, node.module


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def room_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in source_files():
        here = room_of(module_name(path))
        assert here is not None
        for _, name in imports_of(path):
            there = room_of(name)
            if there is not None and there != here and name != "quiz":
                graph.setdefault(here, set()).add(there)
    return graph


def test_every_room_is_in_the_table():
    rooms = {room_of(module_name(p)) for p in source_files()}
    assert rooms <= set(ALLOWED), f"rooms missing from ALLOWED: {rooms - set(ALLOWED)}"
    assert {"domain", "questions", "store", "services", "reports"} <= rooms


@pytest.mark.parametrize("room", sorted(PURE))
def test_pure_rooms_import_no_web_or_database_library(room):
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in source_files()
        if room_of(module_name(path)) == room
        for line, name in imports_of(path)
        if name.split(".")[0] in WEB_LIBRARIES
    ]
    assert found == []


def test_each_room_imports_only_what_the_table_allows():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line} ({here}) imports {name} ({there})"
        for path in source_files()
        for here in [room_of(module_name(path))]
        for line, name in imports_of(path)
        for there in [room_of(name)]
        if there is not None and there != here and name != "quiz" and here is not None
        if there not in ALLOWED[here]
    ]
    assert found == []


def test_no_two_rooms_depend_on_each_other():
    graph = room_graph()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            for nxt in graph.get(node, ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    # The pure rooms share their vocabulary (a question's base types, the article), so
    # questions <-> domain is one layer; every other pair must be one-way.
    one_layer = {frozenset({"questions", "domain"})}
    cycles = sorted(
        f"{a} <-> {b}"
        for a in graph
        for b in graph[a]
        if a < b and frozenset({a, b}) not in one_layer and reaches(b, a)
    )
    assert cycles == []


def test_the_checker_sees_a_forbidden_import(tmp_path):
    """The scan is not vacuous: a planted import of Flask in a pure room is caught."""
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from flask import current_app\n    return current_app\n")
    assert ("flask" in {name for _, name in imports_of(planted)}) is True
    assert room_of("quiz.domain.banks") == "domain"
    assert room_of("quiz.classes.pages.views") == "classes.pages"
    assert room_of("quiz.web.forms") == "web.support"
    assert room_of("quiz.web.app") == "web"


# The use cases: what changes or reads data for a page or a command, on a session,
# with no request in sight. Pages and commands (``pages``, ``views``, ``cli``, the
# blueprints) call them; they import no Flask (not even through quiz.web).
USE_CASE_ROOMS = {"services", "classes", "reports"}
USE_CASE_MODULES = {
    "quiz.authoring.operations",
    "quiz.authoring.dump",
    "quiz.authoring.util",
    "quiz.authoring.quality",
}
ENTRY_NAMES = {"cli", "commands"}


def test_use_cases_import_no_flask():
    found = []
    for path in source_files():
        name = module_name(path)
        room = room_of(name)
        if name.rsplit(".", 1)[-1] in ENTRY_NAMES:
            continue
        if room not in USE_CASE_ROOMS and name not in USE_CASE_MODULES:
            continue
        for line, imported in imports_of(path):
            if imported.split(".")[0] in {"flask", "flask_wtf", "werkzeug"} or room_of(
                imported
            ) in {"web", "web.support"}:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {imported}")
    assert found == []
