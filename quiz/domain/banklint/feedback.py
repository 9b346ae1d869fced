"""Rules on what a wrong answer teaches: its misconception (tagged, of the item's
skill, every catalogued one probed) and its feedback."""

from __future__ import annotations

from collections.abc import Iterator

from quiz.domain.banklint.common import BankWarning, at, ids_text
from quiz.domain.bankyaml import format_path
from quiz.domain.loadedbank import LoadedBank
from quiz.questions.base import Path


def misconception_skill(bank: LoadedBank) -> Iterator[BankWarning]:
    """A wrong answer's misconception should belong to the skill the item teaches."""
    skills = bank.misconception_skills
    if not skills:
        return
    for n, q in enumerate(bank.questions):
        for path, item in q.wrong_answers():
            code = getattr(item, "misconception", None)
            if code and code in skills and skills[code] != q.skill:
                yield at(
                    bank,
                    n,
                    q,
                    "misconception-skill",
                    f"{format_path(path)} is tagged {code}, a misconception of skill "
                    f"“{skills[code]}”, in a “{q.skill}” item: the student is told to watch "
                    "out for a mistake they did not make; tag the mistake this answer shows",
                    *path,
                    "misconception",
                )


def untagged(bank: LoadedBank) -> Iterator[BankWarning]:
    """An item whose wrong answers carry no misconception diagnoses nothing. Each type
    says what its wrong answers are (``Question.wrong_answers``, ``wrong_answer_noun``);
    one that anticipates none is not asked to tag them."""
    for n, q in enumerate(bank.questions):
        what = q.wrong_answer_noun
        if what is None:  # a type that anticipates no wrong answers
            continue
        if any(getattr(item, "misconception", None) for _, item in q.wrong_answers()):
            continue
        yield at(
            bank,
            n,
            q,
            "untagged",
            f"no {what} is tagged with a misconception: a wrong answer teaches nothing "
            "beyond “wrong” and results cannot show which mistake is common",
        )


def unprobed_misconception(bank: LoadedBank) -> Iterator[BankWarning]:
    """A skill's misconception in the catalogue that no wrong answer is tagged with is
    never diagnosed (Oppia's coverage check): the results cannot show it."""
    skills = bank.misconception_skills
    if not skills:
        return
    probed = {
        getattr(item, "misconception", None)
        for q in bank.questions
        for _path, item in q.wrong_answers()
    }
    for code, skill in skills.items():
        if code not in probed:
            yield BankWarning(
                bank.file,
                bank.line(("misconceptions", code)),
                None,
                "unprobed-misconception",
                f"{code}, a misconception of skill “{skill}”, tags no wrong answer: no "
                "answer can reveal it, so the results never show it; tag the wrong answer "
                "that shows this mistake, or drop it from the catalogue",
            )


def missing_feedback(bank: LoadedBank) -> Iterator[BankWarning]:
    """Feedback on each wrong answer and an explanation are optional, but teach."""
    for n, q in enumerate(bank.questions):
        missing: list[Path] = [
            (*path, "feedback")
            for path, item in q.wrong_answers()
            if not (getattr(item, "feedback", "") or "").strip()
        ]
        if not (q.explanation or "").strip():
            missing.append(("explanation",))
        if not missing:
            continue
        where = ids_text([format_path(p) for p in missing])
        yield at(
            bank,
            n,
            q,
            "missing-feedback",
            f"missing {where}: a student who gets it wrong reads only “That is not right.”; "
            "say why the wrong answer is tempting and the reasoning",
            *missing[0],
        )
