"""Each question type's editor form and the spec it saves (``FORMS``, ``SPECS``: a new type
adds its own, tests/test_question_rooms.py checks every type has one), how to create one
through its form, and the values a browser would send for a form as shown. Used by
tests/test_authoring_questions.py and tests/test_question_rooms.py."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from quiz.questions import TYPES as QUESTION_TYPES
from tests.authoring_helpers import (
    HIGHLIGHT_FORM,
    SENTENCES,
    SINGLE_FORM,
    send,
)

EXPLAIN = "Reasoning, shown with the feedback."
FORMS: dict[str, dict[str, Any]] = {
    "single": SINGLE_FORM,
    "multiple": {
        "qid": "which-true",
        "skill": "percent",
        "prompt": "Counts went from 10 to 60. Which statements are true?",
        "explanation": EXPLAIN,
        "options-0-text": "Up by 50",
        "options-0-correct": "y",
        "options-0-feedback": "60 − 10 = 50.",
        "options-1-text": "Six times as many",
        "options-1-correct": "y",
        "options-1-feedback": "60 ÷ 10 = 6.",
        "options-2-text": "Five times as many",
        "options-2-feedback": "60 is six times 10.",
        "options-2-misconception": "MULT_OFFBYONE",
    },
    "numeric": {
        "qid": "pct-change",
        "skill": "percent",
        "unit": "percent",
        "points": "2",
        "prompt": "A count rose from 19 to 275. What is the percent change?",
        "explanation": EXPLAIN,
        "answers-0-value": "1347",
        "answers-0-tolerance": "1",
        "answers-0-feedback": "(275 − 19) ÷ 19 = 13.47.",
        "wrong-0-value": "1447",
        "wrong-0-tolerance": "1",
        "wrong-0-feedback": "That is the ratio, not the change.",
        "wrong-0-misconception": "RATIO_AS_PCT",
        "wrong-1-value": "",
        "otherwise": "Subtract the old value, then divide by it.",
    },
    "text": {
        "qid": "denominator",
        "skill": "baseline",
        "prompt": "Assaults divided by the number of officers: what is that number called?",
        "explanation": EXPLAIN,
        "answers-0-text": "denominator",
        "answers-0-feedback": "Yes.",
        "answers-1-text": "the base",
        "answers-1-credit": "0.5",
        "answers-1-feedback": "Nearly: the word is denominator.",
        "wrong-0-text": "numerator",
        "wrong-0-feedback": "The numerator is on top.",
        "otherwise": "Think of the bottom of the fraction.",
    },
    "classify": {
        "qid": "voices",
        "skill": "reporting",
        "prompt": "Who is speaking in each sentence?",
        "explanation": EXPLAIN,
        "categories": ["attributed", "unattributed"],
        "pick": ["p3-s2", "p1-s1"],
        "s-p1-s1-category": "attributed",
        "s-p1-s1-feedback": "The agency said it.",
        "s-p3-s2-category": "unattributed",
        "s-p3-s2-feedback": "Nobody is named.",
        "s-p3-s2-misconception": "ATTRIBUTION_BLIND",
    },
    "highlight": {**HIGHLIGHT_FORM, "paragraphs": ["1", "3"], "otherwise": "Not a call."},
}
SPECS: dict[str, dict[str, Any]] = {
    "single": {
        "id": "pct-six",
        "type": "single",
        "skill": "percent",
        "prompt": SINGLE_FORM["prompt"],
        "shuffle": True,
        "options": [
            {"id": "a", "text": "60", "correct": True, "feedback": "Ten plus five times ten."},
            {
                "id": "b",
                "text": "50",
                "feedback": "That is 500% *of* 10.",
                "misconception": "MULT_OFFBYONE",
            },
        ],
        "explanation": SINGLE_FORM["explanation"],
    },
    "multiple": {
        "id": "which-true",
        "type": "multiple",
        "skill": "percent",
        "prompt": FORMS["multiple"]["prompt"],
        "shuffle": False,
        "options": [
            {"id": "a", "text": "Up by 50", "correct": True, "feedback": "60 − 10 = 50."},
            {"id": "b", "text": "Six times as many", "correct": True, "feedback": "60 ÷ 10 = 6."},
            {
                "id": "c",
                "text": "Five times as many",
                "feedback": "60 is six times 10.",
                "misconception": "MULT_OFFBYONE",
            },
        ],
        "explanation": EXPLAIN,
    },
    "numeric": {
        "id": "pct-change",
        "type": "numeric",
        "skill": "percent",
        "prompt": FORMS["numeric"]["prompt"],
        "points": 2.0,
        "unit": "percent",
        "answers": [{"value": 1347, "tolerance": 1, "feedback": "(275 − 19) ÷ 19 = 13.47."}],
        "wrong": [
            {
                "value": 1447,
                "tolerance": 1,
                "feedback": "That is the ratio, not the change.",
                "misconception": "RATIO_AS_PCT",
            }
        ],
        "otherwise": "Subtract the old value, then divide by it.",
        "explanation": EXPLAIN,
    },
    "text": {
        "id": "denominator",
        "type": "text",
        "skill": "baseline",
        "prompt": FORMS["text"]["prompt"],
        "answers": [
            {"text": "denominator", "feedback": "Yes."},
            {"text": "the base", "credit": 0.5, "feedback": "Nearly: the word is denominator."},
        ],
        "wrong": [{"text": "numerator", "feedback": "The numerator is on top."}],
        "otherwise": "Think of the bottom of the fraction.",
        "explanation": EXPLAIN,
    },
    "classify": {
        "id": "voices",
        "type": "classify",
        "skill": "reporting",
        "prompt": FORMS["classify"]["prompt"],
        "categories": ["attributed", "unattributed"],
        "sentences": [  # quotes of the whole sentence, in reading order
            {
                "quote": SENTENCES["p1-s1"],
                "category": "attributed",
                "feedback": "The agency said it.",
            },
            {
                "quote": SENTENCES["p3-s2"],
                "category": "unattributed",
                "feedback": "Nobody is named.",
                "misconception": "ATTRIBUTION_BLIND",
            },
        ],
        "explanation": EXPLAIN,
    },
    "highlight": {
        "id": "who-acts",
        "type": "highlight",
        "skill": "reporting",
        "prompt": HIGHLIGHT_FORM["prompt"],
        "paragraphs": [1, 3],
        "sentences": [{"quote": SENTENCES["p3-s1"], "feedback": "Says what officials must do."}],
        "distractors": [{"quote": SENTENCES["p1-s3"], "feedback": "A denial, not a call to act."}],
        "otherwise": "Not a call.",
        "explanation": HIGHLIGHT_FORM["explanation"],
    },
}
TYPES = list(QUESTION_TYPES)  # FORMS and SPECS cover each (tests/test_question_rooms.py)


class _Fields(HTMLParser):
    """The values a browser would send for a form as shown (no button pressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.setdefault(name, []).append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.values.setdefault(self._select, []).append(value)
                self._selected = True

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            value = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.values.setdefault(self._select, []).append(self._first_option)
            self._select = None


def form_values(html: str) -> dict[str, list[str]]:
    start = html.index('class="card question-editor"')
    parser = _Fields()
    parser.feed(html[start : html.index("</form>", start)])
    return parser.values


def create(client, bank_id: int, qtype: str):
    return send(client, f"/teacher/banks/{bank_id}/questions/new/{qtype}", FORMS[qtype])
