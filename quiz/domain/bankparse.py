"""Validating a bank: its YAML text (``parse_bank``) or data already read
(``parse_bank_data``: files, uploads and the web editor's forms alike), each question
by its type's own parser; and rebuilding a stored question (``question_from_spec``).
Pure."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from quiz.domain.article import Article
from quiz.domain.bankcatalogue import catalogue, labels, parse_article, report_unknown
from quiz.domain.bankcheck import parse_checks, touch_checks
from quiz.domain.bankyaml import BankError, Lines, Reporter, format_path, parse_yaml
from quiz.domain.loadedbank import LoadedBank
from quiz.domain.tracked import TrackedMapping
from quiz.questions import TYPES, BankContext, Question
from quiz.questions.base import ID_RE, Path

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


def parse_bank(text: str, file: str) -> tuple[LoadedBank | None, list[BankError]]:
    """Validate one bank file's text. Returns the bank only when it has no problem."""
    try:
        data, lines = parse_yaml(text)
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
    lines: Lines | None = None,
    earlier: list[BankError] | None = None,
    *,
    allow_empty: bool = False,
) -> tuple[LoadedBank | None, list[BankError]]:
    """Validate a bank already read into Python data: the one validation path for
    files, uploads and the web editor's forms (which have no line numbers: 0).
    ``allow_empty``: the web editor's draft may have no question yet."""
    rep = Reporter(file, lines or Lines())
    rep.errors += earlier or []
    if not isinstance(data, Mapping):
        rep.add((), "a bank file must be a mapping with id, title, article, skills, questions")
        return None, rep.errors

    report_unknown(data, sorted(BANK_FIELDS), rep)

    bank_id, title, description = _header(data, rep)

    article = parse_article(data.get("article"), rep)
    skills = labels(data.get("skills"), "skills", rep)
    if not skills:
        rep.add(("skills",), "is required: at least one skill, key: label")
    categories = labels(data.get("categories"), "categories", rep)
    misconceptions, misconception_skills = (
        catalogue(data["misconceptions"], skills, rep)
        if data.get("misconceptions") is not None
        else (None, {})
    )
    plain_category = _plain_category(data.get("plain_category"), categories, rep)
    questions: list[Question] = []
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not (raw_questions or allow_empty):
        rep.add(("questions",), "is required: a list of questions")
        raw_questions = []
    if article is not None:
        ctx = BankContext(article, skills, categories, misconceptions)
        seen: dict[str, int] = {}
        parsed = (_parse_question(item, n, ctx, rep, seen) for n, item in enumerate(raw_questions))
        questions = [q for q in parsed if q is not None]

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


def _header(data: Mapping[str, Any], rep: Reporter) -> tuple[str, str, str]:
    """The bank's id, title and description ("" where missing or wrong: reported)."""
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
    return bank_id, title, description


def _plain_category(value: Any, categories: Mapping[str, str], rep: Reporter) -> str | None:
    """``plain_category``, if given: one of the bank's categories."""
    if value is not None and (not isinstance(value, str) or value not in categories):
        known = ", ".join(categories) or "none"
        rep.add(("plain_category",), f"must be one of the bank's categories ({known})")
        return None
    return value


Report = Callable[[Path, str], None]


def _parse_question(
    item: Any, n: int, ctx: BankContext, rep: Reporter, seen: dict[str, int]
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

    _check_id(qid, n, seen, err)
    qtype = item.get("type")
    cls = TYPES.get(qtype) if isinstance(qtype, str) else None
    if cls is None:
        err(("type",), f"unknown type {qtype!r} (known: {', '.join(TYPES)})")
    _check_skill(item.get("skill"), ctx, err)
    ctx.problems = []
    common = _common_fields(item, ctx)
    question = None
    if cls is not None:
        common["shuffle"] = common["shuffle"] and cls.shuffles
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


def _check_id(qid: Any, n: int, seen: dict[str, int], err: Report) -> None:
    """A question id: well formed and not used by an earlier question of the bank."""
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


def _check_skill(skill: Any, ctx: BankContext, err: Report) -> None:
    """A question's skill: one of the bank's."""
    if skill is None:
        err(("skill",), f"is required (the bank's skills: {', '.join(ctx.skills)})")
    elif not isinstance(skill, str) or skill not in ctx.skills:  # a list is unhashable
        err(("skill",), f"unknown skill {skill!r} (the bank's skills: {', '.join(ctx.skills)})")


def _common_fields(item: Mapping[str, Any], ctx: BankContext) -> dict[str, Any]:
    """The fields every type has, as its ``from_spec`` takes them (problems to ``ctx``;
    ``shuffle`` before the type says whether it shuffles)."""
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
    return {
        "id": str(item.get("id")),
        "skill": str(item.get("skill")),
        "prompt": prompt,
        "explanation": explanation,
        "points": float(points or 1.0),
        "shuffle": bool(shuffle),
        "draft": draft is True,
    }


def _with_checks(
    question: Question, item: Mapping[str, Any], ctx: BankContext, at: list[Any], rep: Reporter
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
