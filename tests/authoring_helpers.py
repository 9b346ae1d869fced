"""What the bank authoring tests share: an article and its sentences, a teacher who
authors, a new bank from the article, forms for a single-choice and a highlight question,
and reading a page's text, the database's counts and a bank's questions. Used by
tests/test_authoring*.py and the other tests of the bank pages (some import them through
tests/test_authoring.py)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_teacher, login
from tests.helpers import csrf

ARTICLE = (
    "The U.S. agency said assaults rose 500% last year. Dr. Smith disagreed — strongly — "
    'with the “500% rise” claim. "It is not true," she said.\n\n'
    "The report listed two steps: 1. First. 2. Second. Then it ended.\n\n"
    "Officials must act now, said Mr. Jones. Residents were not surprised."
)
SENTENCES = {
    "p1-s1": "The U.S. agency said assaults rose 500% last year.",
    "p1-s2": "Dr. Smith disagreed — strongly — with the “500% rise” claim.",
    "p1-s3": '"It is not true," she said.',
    "p2-s1": "The report listed two steps:",
    "p2-s2": "1. First.",
    "p2-s3": "2. Second.",
    "p2-s4": "Then it ended.",
    "p3-s1": "Officials must act now, said Mr. Jones.",
    "p3-s2": "Residents were not surprised.",
}
BANK_TITLE = "Reading the agency's claim"
DATA = Path(__file__).parent / "data"


def author(app, client, email: str = "author@example.org") -> int:
    with session_scope(app) as s:
        teacher_id = gen_teacher(s, email).id
    assert login(client, email).status_code in (302, 303)
    return teacher_id


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def send(client, url: str, data: dict[str, Any], page: str | None = None, **kw: Any):
    """POST a form as a browser would, with the CSRF token of ``page`` (or ``url``)."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf(html), **data}, **kw)


def new_bank(client, title: str = BANK_TITLE, text: str = ARTICLE) -> int:
    response = send(
        client,
        "/teacher/banks/new",
        {
            "title": title,
            "description": "Practice with a *made-up* article.",
            "article_title": "Assaults up 500%, agency says",
            "source": "A made-up article for tests.",
            "text": text,
        },
    )
    assert response.status_code == 303, text_of(response)[:3000]
    # a new bank goes straight to writing its first question (issue #17, Measure)
    found = re.search(r"/teacher/banks/(\d+)/questions/new/single$", response.headers["Location"])
    assert found
    return int(found.group(1))


def counts(app) -> dict[str, int]:
    with session_scope(app) as s:
        return {
            model.__name__: s.scalar(select(func.count()).select_from(model))
            for model in (m.Bank, m.Article, m.Question, m.QuestionVersion, m.Attempt, m.Answer)
        }


def bank_specs(app, bank_id: int) -> list[dict[str, Any]]:
    with session_scope(app) as s:
        rows = s.scalars(
            select(m.Question)
            .where(m.Question.bank_id == bank_id, ~m.Question.retired)
            .order_by(m.Question.position)
        )
        return [q.current_version.spec for q in rows]


SINGLE_FORM = {
    "qid": "pct-six",
    "skill": "percent",
    "prompt": "Ten assaults rise by 500%. How many now?",
    "explanation": "New = old × (1 + 500/100) = 60.",
    "shuffle": "y",
    "options-0-oid": "",
    "options-0-text": "60",
    "options-0-correct": "y",
    "options-0-feedback": "Ten plus five times ten.",
    "options-1-oid": "",
    "options-1-text": "50",
    "options-1-feedback": "That is 500% *of* 10.",
    "options-1-misconception": "MULT_OFFBYONE",
    "options-2-oid": "",
    "options-2-text": "",
    "options-2-feedback": "",
}


def add_single(client, bank_id: int, **changes: str):
    url = f"/teacher/banks/{bank_id}/questions/new/single"
    return send(client, url, {**SINGLE_FORM, **changes})


HIGHLIGHT_FORM = {
    "qid": "who-acts",
    "skill": "reporting",
    "prompt": "Tick the sentences that say what should be done.",
    "explanation": "Advocacy says what should be done.",
    "pick": ["p3-s1", "p1-s3"],
    "s-p3-s1-role": "right",
    "s-p3-s1-feedback": "Says what officials must do.",
    "s-p1-s3-role": "distractor",
    "s-p1-s3-feedback": "A denial, not a call to act.",
}
