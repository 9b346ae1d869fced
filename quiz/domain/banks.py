"""Bank files: read YAML with line numbers, validate, and report every problem.

The format is documented in ``question_banks/README.md``. Validation is pure
Python and shared by every way a bank comes in: a problem is reported as
``FILE:LINE: question ID: field: message`` and a bank with any problem is not
loaded at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from quiz.domain.article import Article
from quiz.domain.bankcheck import parse_checks, touch_checks
from quiz.domain.safe_yaml import BoundedLoader
from quiz.domain.tracked import TrackedMapping
from quiz.questions import TYPES, BankContext, Question
from quiz.questions.base import CODE_RE, ID_RE, Path

BANK_FIELDS = {
    "id",
    "title",
    "description",
    "article",
    "skills",
    "categories",
    "misconceptions",
    "plain_category",
    "questions",
}
ARTICLE_FIELDS = ("title", "source", "text")
KEY_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,49}\Z")  # skill keys: question_version.skill


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


@dataclass
class LoadedBank:
    file: str
    id: str
    title: str
    description: str
    article: Article
    skills: dict[str, str]
    categories: dict[str, str]
    misconceptions: dict[str, str]
    questions: list[Question] = field(default_factory=list)
    #: a misconception code's skill, when the catalogue says it (``CODE: {text:, skill:}``)
    misconception_skills: dict[str, str] = field(default_factory=dict)
    #: the category of plain, checkable statements (``plain_category:``), if the bank names one
    plain_category: str | None = None
    lines: _Lines | None = field(default=None, repr=False, compare=False)

    def line(self, path: Path) -> int:
        """The file line of a place in the bank (``("questions", 3, "options", 1)``)."""
        return self.lines.line(path) if self.lines is not None else 0

    def summary(self) -> dict[str, Any]:
        skills: dict[str, int] = {}
        types: dict[str, int] = {}
        for q in self.questions:
            skills[q.skill] = skills.get(q.skill, 0) + 1
            types[q.type] = types.get(q.type, 0) + 1
        return {
            "file": self.file,
            "id": self.id,
            "title": self.title,
            "questions": len(self.questions),
            "drafts": sum(1 for q in self.questions if q.draft),  # not published yet
            "skills": skills,
            "types": types,
        }

    def context(self) -> BankContext:
        return BankContext(self.article, self.skills, self.categories, self.misconceptions)

    def sha256(self) -> str:
        return digest(
            {
                "title": self.title,
                "description": self.description,
                "article": self.article.to_dict(),
                "skills": self.skills,
                "categories": self.categories,
                "misconceptions": self.misconceptions,
                "questions": [q.to_spec() for q in self.questions],
            }
        )


def digest(data: Any) -> str:
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# -- YAML with line numbers ----------------------------------------------------


class _Lines:
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


def _parse_yaml(text: str) -> tuple[Any, _Lines]:
    loader = BoundedLoader(text)  # bounds depth and aliases before building
    try:
        node = loader.get_single_node()
        lines = _Lines()
        if node is None:
            return None, lines
        lines.walk(node)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


# -- validation ------------------------------------------------------------------


class _Reporter:
    def __init__(self, file: str, lines: _Lines) -> None:
        self.file = file
        self.lines = lines
        self.errors: list[BankError] = []

    def add(self, path: Path, message: str, question: str | None = None, base: Path = ()) -> None:
        full = (*base, *path)
        self.errors.append(
            BankError(self.file, self.lines.line(full), question, format_path(path), message)
        )


def _labels(value: Any, key: str, rep: _Reporter, code_keys: bool = False) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        rep.add((key,), "must be a mapping of key: label")
        return {}
    out: dict[str, str] = {}
    for k, label in value.items():
        k = str(k)
        pattern = CODE_RE if code_keys else KEY_RE
        if not pattern.match(k):
            kind = (
                "a code like MULT_OFFBYONE (at most 60 characters)"
                if code_keys
                else "a key (letters, digits, - _ .; at most 50 characters)"
            )
            rep.add((key, k), f"{k!r} is not {kind}")
        if not isinstance(label, str) or not label.strip():
            rep.add((key, k), "needs a label (text)")
            continue
        out[k] = label.strip()
    return out


def _catalogue(
    value: Any, skills: Mapping[str, str], rep: _Reporter
) -> tuple[dict[str, str], dict[str, str]]:
    """The misconception catalogue: ``CODE: text`` or ``CODE: {text: ..., skill: ...}``.
    Returns the texts and the skills of the codes that name one."""
    if not isinstance(value, Mapping):
        rep.add(("misconceptions",), "must be a mapping of CODE: text")
        return {}, {}
    texts: dict[Any, Any] = {}
    found: dict[str, str] = {}
    for code, entry in value.items():
        if not isinstance(entry, Mapping):
            texts[code] = entry
            continue
        path: Path = ("misconceptions", str(code))
        _report_unknown(entry, ("text", "skill"), rep, path)
        texts[code] = entry.get("text")
        skill = entry.get("skill")
        if skill is None:
            continue
        if skill not in skills:
            rep.add((*path, "skill"), f"unknown skill {skill!r} (the bank's: {', '.join(skills)})")
        else:
            found[str(code)] = str(skill)
    return _labels(texts, "misconceptions", rep, code_keys=True), found


def parse_bank(text: str, file: str) -> tuple[LoadedBank | None, list[BankError]]:
    """Validate one bank file's text. Returns the bank only when it has no problem."""
    try:
        data, lines = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark is not None:
            context += f" that starts on line {context_mark.line + 1}"
        message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        return None, [BankError(file, line, None, "yaml", message)]
    duplicates = [
        BankError(file, line, None, format_path(path), "duplicate key")
        for path, line in lines.duplicates
    ]
    return parse_bank_data(data, file, lines, duplicates)


def parse_bank_data(
    data: Any,
    file: str,
    lines: _Lines | None = None,
    earlier: list[BankError] | None = None,
    *,
    allow_empty: bool = False,
) -> tuple[LoadedBank | None, list[BankError]]:
    """Validate a bank already read into Python data: the one validation path for
    files, uploads and the web editor's forms (which have no line numbers: 0).
    ``allow_empty``: the web editor's draft may have no question yet."""
    rep = _Reporter(file, lines or _Lines())
    rep.errors += earlier or []
    if not isinstance(data, Mapping):
        rep.add((), "a bank file must be a mapping with id, title, article, skills, questions")
        return None, rep.errors

    _report_unknown(data, sorted(BANK_FIELDS), rep)

    bank_id = data.get("id")
    if not isinstance(bank_id, str) or not ID_RE.match(bank_id):
        rep.add(("id",), "is required: a key of letters, digits, - _ ., at most 100 characters")
        bank_id = ""
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        rep.add(("title",), "is required")
        title = ""
    description = data.get("description") or ""
    if not isinstance(description, str):
        rep.add(("description",), "must be text")
        description = ""

    article = _parse_article(data.get("article"), rep)
    skills = _labels(data.get("skills"), "skills", rep)
    if not skills:
        rep.add(("skills",), "is required: at least one skill, key: label")
    categories = _labels(data.get("categories"), "categories", rep)
    misconceptions, misconception_skills = (
        _catalogue(data["misconceptions"], skills, rep)
        if data.get("misconceptions") is not None
        else (None, {})
    )
    plain_category = data.get("plain_category")
    if plain_category is not None and (
        not isinstance(plain_category, str) or plain_category not in categories
    ):
        known = ", ".join(categories) or "none"
        rep.add(("plain_category",), f"must be one of the bank's categories ({known})")
        plain_category = None

    questions: list[Question] = []
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not (raw_questions or allow_empty):
        rep.add(("questions",), "is required: a list of questions")
        raw_questions = []
    if article is not None:
        ctx = BankContext(article, skills, categories, misconceptions)
        seen: dict[str, int] = {}
        for n, item in enumerate(raw_questions):
            q = _parse_question(item, n, ctx, rep, seen)
            if q is not None:
                questions.append(q)

    if rep.errors or article is None:
        return None, rep.errors
    return (
        LoadedBank(
            file=file,
            id=bank_id,
            title=title.strip(),
            description=description.strip(),
            article=article,
            skills=skills,
            categories=categories,
            misconceptions=misconceptions or {},
            questions=questions,
            misconception_skills=misconception_skills,
            plain_category=plain_category,
            lines=lines,
        ),
        [],
    )


def _report_unknown(
    data: Mapping[Any, Any], known: Iterable[str], rep: _Reporter, path: Path = ()
) -> None:
    """Each key of ``data`` that is not one of ``known`` (a misspelling, mostly)."""
    names = list(known)
    for key in data:
        if key not in names:
            rep.add((*path, str(key)), f"unknown field (expected one of: {', '.join(names)})")


def _parse_article(value: Any, rep: _Reporter) -> Article | None:
    if not isinstance(value, Mapping):
        rep.add(("article",), "is required: a mapping with title, source and text")
        return None
    _report_unknown(value, ARTICLE_FIELDS, rep, ("article",))
    ok = True
    for key in ("title", "text"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            rep.add(("article", key), "is required")
            ok = False
    source = value.get("source") or ""
    if not isinstance(source, str):
        rep.add(("article", "source"), "must be text")
        ok = False
    if not ok:
        return None
    article = Article.from_text(value["title"], source, value["text"])
    if not article.sentences:
        rep.add(("article", "text"), "has no sentences")
        return None
    return article


def _parse_question(
    item: Any, n: int, ctx: BankContext, rep: _Reporter, seen: dict[str, int]
) -> Question | None:
    base: Path = ("questions", n)
    if not isinstance(item, Mapping):
        rep.add(base, "each question must be a mapping")
        return None
    item = TrackedMapping(item)
    qid = item.get("id")
    label: str | None = str(qid) if qid is not None else f"#{n + 1}"
    errors_before = len(rep.errors)

    def err(path: Path, message: str) -> None:
        rep.add(path, message, question=label, base=base)

    if not isinstance(qid, str) or not ID_RE.match(qid):
        err(
            ("id",),
            "is required: letters, digits, - _ ., at most 100 characters"
            " (a public contract: keep it stable)",
        )
    elif qid in seen:
        err(("id",), f"duplicate question id (also question #{seen[qid] + 1})")
    else:
        seen[qid] = n

    qtype = item.get("type")
    cls = TYPES.get(qtype) if isinstance(qtype, str) else None
    if cls is None:
        err(("type",), f"unknown type {qtype!r} (known: {', '.join(TYPES)})")
    skill = item.get("skill")
    if skill is None:
        err(("skill",), f"is required (the bank's skills: {', '.join(ctx.skills)})")
    elif not isinstance(skill, str) or skill not in ctx.skills:  # a list is unhashable
        err(("skill",), f"unknown skill {skill!r} (the bank's skills: {', '.join(ctx.skills)})")
    ctx.problems = []
    prompt = ctx.require_text(item, "prompt")
    explanation = ctx.optional_text(item, "explanation")
    points = ctx.number(item, "points", default=1.0)
    if points is not None and points <= 0:
        ctx.error(("points",), "must be more than 0")
    shuffle = item.get("shuffle", True)
    if not isinstance(shuffle, bool):
        ctx.error(("shuffle",), "must be true or false")
    draft = item.get("draft", False)
    if not isinstance(draft, bool):
        ctx.error(("draft",), "must be true or false (true: not given to students yet)")
    question = None
    if cls is not None:
        common = {
            "id": str(qid),
            "skill": str(skill),
            "prompt": prompt,
            "explanation": explanation,
            "points": float(points or 1.0),
            "shuffle": bool(shuffle) and cls.shuffles,
            "draft": draft is True,
        }
        try:
            question = cls.from_spec(item, common, ctx)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # defensive
            ctx.error((), f"could not be read: {exc}")
    if question is not None and not ctx.problems:
        question = _with_checks(question, item, ctx, [*base, "checks"], rep)
    else:
        touch_checks(item)
    for problem in ctx.problems:
        err(problem.path, problem.message)
    ctx.problems = []
    if cls is not None:  # otherwise the type's own fields were never looked at
        for path, known in item.unread():
            err(path, f"unknown field (a {qtype} question reads here: {', '.join(known)})")
    return question if len(rep.errors) == errors_before else None


def _with_checks(
    question: Question, item: Mapping[str, Any], ctx: BankContext, at: list[Any], rep: _Reporter
) -> Question:
    """The question with its ``checks`` read (problems go to ``ctx``), each with its line."""
    try:
        checks = parse_checks(item, question, ctx)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # defensive
        ctx.error(("checks",), f"could not be read: {exc}")
        return question
    return dataclasses.replace(
        question,
        checks=tuple(
            dataclasses.replace(c, line=rep.lines.line((*at, n))) for n, c in enumerate(checks)
        ),
    )


# -- files ------------------------------------------------------------------------


def bank_files(paths: Iterable[str | FsPath]) -> list[FsPath]:
    files: list[FsPath] = []
    for p in map(FsPath, paths):
        if p.is_dir():
            files += sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml"))
        else:
            files.append(p)
    return files


def check_paths(
    paths: Iterable[str | FsPath], display_root: FsPath | None = None
) -> tuple[list[LoadedBank], list[BankError]]:
    """Validate bank files (directories: every *.yaml in them). All or nothing per file;
    duplicate bank ids across files are an error too."""
    banks: list[LoadedBank] = []
    errors: list[BankError] = []
    ids: dict[str, str] = {}
    for path in bank_files(paths):
        shown = _display(path, display_root)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            errors.append(BankError(shown, 0, None, "-", "no such file"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(BankError(shown, 0, None, "-", f"cannot be read: {exc}"))
            continue
        bank, problems = parse_bank(text, shown)
        errors += problems
        if bank is None:
            continue
        if bank.id in ids:
            errors.append(
                BankError(shown, 1, None, "id", f"bank id {bank.id!r} also in {ids[bank.id]}")
            )
            continue
        ids[bank.id] = shown
        banks.append(bank)
    return banks, errors


def _display(path: FsPath, root: FsPath | None) -> str:
    try:
        return str(path.resolve().relative_to((root or FsPath.cwd()).resolve()))
    except ValueError:
        return str(path)


def question_from_spec(
    spec: Mapping[str, Any], article: Article, context: Mapping[str, Any]
) -> Question:
    """Rebuild a stored question version (already validated when it was stored)."""
    ctx = BankContext(
        article,
        skills={spec["skill"]: spec["skill"]},
        categories=context.get("categories", {}),
        misconceptions=None,
    )
    cls = TYPES[spec["type"]]
    common = {
        "id": spec["id"],
        "skill": spec["skill"],
        "prompt": spec["prompt"],
        "explanation": spec["explanation"],
        "points": float(spec.get("points", 1.0)),
        "shuffle": bool(spec.get("shuffle", False)) and cls.shuffles,
        "draft": spec.get("draft") is True,
    }
    question = cls.from_spec(spec, common, ctx)
    if ctx.problems:
        raise ValueError(f"stored question {spec['id']} no longer parses: {ctx.problems}")
    if spec.get("checks"):
        try:
            checks = parse_checks(spec, question, ctx)
        except (TypeError, ValueError, KeyError, AttributeError):  # defensive
            return question
        if not ctx.problems:  # checks are run by the editor only: never fail a stored question
            question = dataclasses.replace(question, checks=tuple(checks))
    return question
