"""A small bank with one question of each type, for the tests of checks and lint."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from quiz.domain.banks import LoadedBank, parse_bank

ARTICLE = {
    "title": "Crime rose 50% in Springfield",
    "source": "A made-up article for tests.",
    "text": (
        "Police in the city said crime rose 50% last year. The mayor claimed the rise was "
        "alarming.\n\nOfficials must act now, said Dr. Jones. Residents were not surprised.\n"
    ),
}

QUESTIONS: list[dict[str, Any]] = [
    {
        "id": "q-single",
        "type": "single",
        "skill": "percent",
        "prompt": "Crime rose 50% from 10 crimes. How many now?",
        "options": [
            {"text": "15", "correct": True, "feedback": "10 plus half of 10."},
            {"text": "5", "feedback": "That is 50% of 10.", "misconception": "MULT_OFFBYONE"},
            {"text": "12", "credit": 0.5, "feedback": "Close."},
        ],
        "explanation": "New = old × 1.5.",
    },
    {
        "id": "q-multiple",
        "type": "multiple",
        "skill": "percent",
        "prompt": "Which are right?",
        "options": [
            {"text": "15 is 150% of 10", "correct": True, "feedback": "Yes."},
            {"text": "15 is 50% more than 10", "correct": True, "feedback": "Yes."},
            {"text": "15 is 50% of 10", "feedback": "No.", "misconception": "MULT_OFFBYONE"},
        ],
        "explanation": "Both.",
    },
    {
        "id": "q-numeric",
        "type": "numeric",
        "skill": "percent",
        "unit": "percent",
        "prompt": "From 10 to 15 is what percent increase?",
        "answers": [
            {"value": 50, "feedback": "Right."},
            {"value": 45, "tolerance": 5, "credit": 0.5, "feedback": "Near."},
        ],
        "wrong": [{"value": 150, "feedback": "That is the ratio.", "misconception": "RATIO"}],
        "explanation": "5 / 10.",
    },
    {
        "id": "q-text",
        "type": "text",
        "skill": "reporting",
        "prompt": "What does the article not give?",
        "answers": [{"text": "the baseline", "feedback": "Yes."}],
        "wrong": [
            {"text": "the source", "feedback": "It names the police.", "misconception": "RATIO"}
        ],
        "explanation": "The starting count.",
    },
    {
        "id": "q-highlight",
        "type": "highlight",
        "skill": "reporting",
        "prompt": "Select the attributed sentences.",
        "sentences": [
            {"quote": "Police in the city said", "feedback": "Police."},
            {"quote": "The mayor claimed", "feedback": "The mayor."},
        ],
        "distractors": [
            {
                "quote": "Residents were not surprised",
                "feedback": "No one.",
                "misconception": "RATIO",
            }
        ],
        "explanation": "Who said it.",
    },
    {
        "id": "q-classify",
        "type": "classify",
        "skill": "reporting",
        "prompt": "Label each sentence.",
        "sentences": [
            {"quote": "Police in the city said", "category": "attributed", "feedback": "Police."},
            {"quote": "Officials must act now", "category": "advocacy", "feedback": "Should."},
            {
                "quote": "Residents were not surprised",
                "category": "plain",
                "feedback": "Plain.",
                "misconception": "RATIO",
            },
        ],
        "explanation": "Look for who speaks.",
    },
]


def bank_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "checks",
        "title": "Checks",
        "article": dict(ARTICLE),
        "skills": {"percent": "Percentages", "reporting": "Reporting"},
        "categories": {"attributed": "Attributed", "advocacy": "Advocacy", "plain": "Plain"},
        "misconceptions": {"MULT_OFFBYONE": "Off by one.", "RATIO": "Ratio as percent."},
        "questions": copy.deepcopy(QUESTIONS),
    }
    data.update(changes)
    return data


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == qid)


def with_checks(qid: str, checks: Any, **changes: Any) -> dict[str, Any]:
    data = bank_data(**changes)
    question(data, qid)["checks"] = checks
    return data


def load(data: dict[str, Any], file: str = "b.yaml") -> tuple[LoadedBank | None, list[Any]]:
    return parse_bank(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), file)


def loaded(data: dict[str, Any]) -> LoadedBank:
    bank, errors = load(data)
    assert errors == [], [str(e) for e in errors]
    assert bank is not None
    return bank
