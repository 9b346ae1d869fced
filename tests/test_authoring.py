"""Authoring banks in the browser: a bank from a pasted article, settings, the
article's text, copies, and who may do what. The helpers here serve the other
``test_authoring_*`` files too."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_class, gen_teacher, join, login, shipped_bank
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


# -- helpers --------------------------------------------------------------------------------


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


# -- a bank from a pasted article -------------------------------------------------------------


def test_a_pasted_article_is_split_as_a_reader_expects(app, client):
    author(app, client)
    bank_id = new_bank(client)
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        paragraphs = bank.article.content["paragraphs"]
        assert bank.slug == f"t{bank.owner_id}-reading-the-agency-s-claim"
        assert bank.origin == "web" and bank.owner_id is not None
        assert list(bank.skills) == ["percent", "baseline", "reporting"]
        assert bank.skills["baseline"] == "Spot missing baselines"
        assert bank.categories == shipped_bank(s).categories
    ids = {
        f"p{p}-s{n}": text
        for p, para in enumerate(paragraphs, start=1)
        for n, text in enumerate(para, start=1)
    }
    assert ids == SENTENCES
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    for sid, sentence in SENTENCES.items():  # numbered, every id visible
        assert f'<span id="{sid}" class="sentence"><small class="sentence-id">{sid}</small> ' in (
            page
        )
        assert sentence in page
    assert "No question yet" in page


def test_a_second_bank_with_the_same_title_gets_its_own_slug(app, client):
    author(app, client)
    first, second = new_bank(client), new_bank(client)
    with session_scope(app) as s:
        slugs = [s.get(m.Bank, first).slug, s.get(m.Bank, second).slug]
    assert slugs[1] == slugs[0] + "-2"


def test_a_new_bank_with_problems_shows_them_beside_the_fields(app, client):
    author(app, client)
    before = counts(app)
    response = send(
        client, "/teacher/banks/new", {"title": "", "article_title": "", "text": "  \n "}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert page.count("is required") >= 3 and 'aria-invalid="true"' in page
    assert counts(app) == before


# -- settings ------------------------------------------------------------------------------------


def test_skills_are_added_renamed_and_removed_unless_in_use(app, client):
    author(app, client)
    bank_id = new_bank(client)
    assert add_single(client, bank_id).status_code == 303
    url = f"/teacher/banks/{bank_id}/settings/skills"
    page = f"/teacher/banks/{bank_id}/settings"
    rows = {
        "skills-rows-0-key": "percent",
        "skills-rows-0-text": "Percentages, carefully",
        "skills-rows-1-key": "baseline",
        "skills-rows-1-text": "Spot missing baselines",
        "skills-rows-1-remove": "y",
        "skills-rows-2-key": "reporting",
        "skills-rows-2-text": "Separate reporting from advocacy",
        "skills-new_key": "sources",
        "skills-new_label": "Check the source",
    }
    html = client.get(page).get_data(as_text=True)
    token = re.search(
        r'id="skills-csrf_token" name="skills-csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert token
    response = client.post(url, data={"skills-csrf_token": token.group(1), **rows})
    assert response.status_code == 303, text_of(response)[:2000]
    with session_scope(app) as s:
        assert s.get(m.Bank, bank_id).skills == {
            "percent": "Percentages, carefully",
            "reporting": "Separate reporting from advocacy",
            "sources": "Check the source",
        }
    refused = client.post(
        url,
        data={
            "skills-csrf_token": token.group(1),
            "skills-rows-0-key": "percent",
            "skills-rows-0-text": "Percentages, carefully",
            "skills-rows-0-remove": "y",
        },
    )
    assert refused.status_code == 422
    assert "“percent” is in use by 1 question: pct-six" in text_of(refused)
    with session_scope(app) as s:
        assert "percent" in s.get(m.Bank, bank_id).skills


def test_misconception_codes_are_checked_by_the_bank(app, client):
    author(app, client)
    bank_id = new_bank(client)
    with session_scope(app) as s:  # a new bank starts with the shipped catalogue (#17, 6)
        assert s.get(m.Bank, bank_id).misconceptions == shipped_bank(s).misconceptions
    html = client.get(f"/teacher/banks/{bank_id}/settings").get_data(as_text=True)
    token = re.search(r'name="misconceptions-csrf_token" type="hidden" value="([^"]+)"', html)
    assert token
    url = f"/teacher/banks/{bank_id}/settings/misconceptions"
    bad = client.post(
        url,
        data={
            "misconceptions-csrf_token": token.group(1),
            "misconceptions-new_key": "lower_case",
            "misconceptions-new_label": "Not a code",
        },
    )
    assert bad.status_code == 422
    assert "'lower_case' is not a code like MULT_OFFBYONE" in text_of(bad)
    good = client.post(
        url,
        data={
            "misconceptions-csrf_token": token.group(1),
            "misconceptions-new_key": "HALF_AS_DOUBLE",
            "misconceptions-new_label": "Reads a 50% fall as undoing a 100% rise.",
        },
    )
    assert good.status_code == 303
    with session_scope(app) as s:
        assert list(s.get(m.Bank, bank_id).misconceptions) == ["HALF_AS_DOUBLE"]


# -- the article's text ---------------------------------------------------------------------------


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


def test_changing_the_article_warns_about_broken_quotes(app, client):
    author(app, client)
    bank_id = new_bank(client)
    url = f"/teacher/banks/{bank_id}/questions/new/highlight"
    assert send(client, url, HIGHLIGHT_FORM).status_code == 303
    assert add_single(client, bank_id).status_code == 303
    before = counts(app)
    article = f"/teacher/banks/{bank_id}/article"
    changed = ARTICLE.replace('"It is not true," she said.', "She denied it.")
    data = {"article_title": "Assaults up 500%", "source": "Made up.", "text": changed}
    warning = send(client, article, data)
    assert warning.status_code == 200
    page = text_of(warning)
    assert "The new text breaks 1 question" in page and "who-acts" in page
    assert "Quote no longer found" in page and '"It is not true," she said.' in page
    assert counts(app) == before  # nothing saved until confirmed

    back = send(client, article, {**data, "confirm": "edit"})
    assert back.status_code == 200 and "She denied it." in text_of(back)

    confirmed = send(client, article, {**data, "confirm": "yes"})
    assert confirmed.status_code == 303
    specs = {s["id"]: s for s in bank_specs(app, bank_id)}
    assert "distractors" not in specs["who-acts"]
    assert specs["who-acts"]["sentences"] == [
        {"quote": SENTENCES["p3-s1"], "feedback": "Says what officials must do."}
    ]
    assert "pct-six" in specs


def test_an_article_change_that_leaves_too_little_removes_the_question(app, client):
    author(app, client)
    bank_id = new_bank(client)
    url = f"/teacher/banks/{bank_id}/questions/new/highlight"
    assert send(client, url, HIGHLIGHT_FORM).status_code == 303
    assert add_single(client, bank_id).status_code == 303
    article = f"/teacher/banks/{bank_id}/article"
    changed = ARTICLE.replace("Officials must act now, said Mr. Jones. ", "")
    data = {"article_title": "Assaults up 500%", "source": "", "text": changed}
    page = text_of(send(client, article, data))
    assert "Would be removed from the bank" in page
    assert send(client, article, {**data, "confirm": "yes"}).status_code == 303
    with session_scope(app) as s:
        q = s.scalar(select(m.Question).where(m.Question.key == "who-acts"))
        assert q.retired
    assert [s["id"] for s in bank_specs(app, bank_id)] == ["pct-six"]


def test_an_article_change_that_breaks_nothing_is_saved_at_once(app, client):
    author(app, client)
    bank_id = new_bank(client)
    assert add_single(client, bank_id).status_code == 303
    data = {"article_title": "New headline", "source": "", "text": ARTICLE + "\n\nOne more."}
    assert send(client, f"/teacher/banks/{bank_id}/article", data).status_code == 303
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        assert bank.article.title == "New headline"
        assert bank.article.content["paragraphs"][-1] == ["One more."]


# -- copies and read-only banks ----------------------------------------------------------------


def test_a_shipped_bank_is_read_only_and_can_be_copied(app, client):
    author(app, client)
    with session_scope(app) as s:
        shipped = shipped_bank(s)
        shipped_id, n_questions = shipped.id, len([q for q in shipped.questions if not q.retired])
        key = shipped.questions[0].key
    page = text_of(client.get(f"/teacher/banks/{shipped_id}"))
    assert "Shipped bank, read-only" in page and "Copy to my banks" in page
    for url in (
        f"/teacher/banks/{shipped_id}/settings",
        f"/teacher/banks/{shipped_id}/article",
        f"/teacher/banks/{shipped_id}/questions/new/single",
        f"/teacher/banks/{shipped_id}/questions/{key}/edit",
        f"/teacher/banks/{shipped_id}/replace",
    ):
        assert client.get(url).status_code == 403, url
    before = bank_specs(app, shipped_id)
    response = send(client, f"/teacher/banks/{shipped_id}/copy", {}, f"/teacher/banks/{shipped_id}")
    assert response.status_code == 303
    copy_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with session_scope(app) as s:
        copied = s.get(m.Bank, copy_id)
        assert copied.owner_id is not None and copied.title.endswith("(my copy)")
        assert copied.slug.startswith(f"t{copied.owner_id}-")
    assert bank_specs(app, copy_id) == before and len(before) == n_questions
    assert bank_specs(app, shipped_id) == before
    edit = client.get(f"/teacher/banks/{copy_id}/questions/{key}/edit")
    assert edit.status_code == 200  # the copy is the teacher's own: its editor opens
    prompt = next(s["prompt"] for s in before if s["id"] == key)
    assert f"Edit question <code>{key}</code>" in text_of(edit) and prompt in text_of(edit)


# -- who may do what -----------------------------------------------------------------------------


SECRET = "Owner's secret bank"


@pytest.fixture
def owned(app, client):
    """An owner's bank with one question, and a class with a join code."""
    author(app, client, "owner@example.org")
    bank_id = new_bank(client, SECRET, ARTICLE.replace("Residents", "Zanzibarians"))
    assert add_single(client, bank_id).status_code == 303
    client.post("/teacher/logout", data={"csrf_token": csrf(client.get("/teacher/").text)})
    with session_scope(app) as s:
        owner = s.scalar(select(m.Teacher).where(m.Teacher.email == "owner@example.org"))
        code = gen_class(s, owner).join_code
    return {
        "bank_id": bank_id,
        "key": "pct-six",
        "qtype": "single",
        "n": 1,
        "kind": "skills",
        "code": code,
        "layout": "kahoot",  # the spreadsheet exports
        "fmt": "csv",
    }


def _authoring_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/teacher/banks")]
    assert len(rules) >= 15
    return rules


def _url(rule, values) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda mt: str(values[mt.group(1)]), rule.rule)


def _visit_all(app, client, owned, token):
    for rule in _authoring_rules(app):
        url = _url(rule, owned)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, **SINGLE_FORM, "title": "x", "confirm": "yes"}
            response = client.open(url, method=method, data=data if method == "POST" else None)
            body = response.get_data(as_text=True)
            assert SECRET not in body and "Zanzibarians" not in body, (method, url)
            yield rule, method, url, response.status_code


def test_another_teacher_gets_404_on_every_route_of_a_bank(app, client, owned):
    author(app, client, "intruder@example.org")
    token = csrf(client.get("/teacher/banks/new").get_data(as_text=True))
    before = counts(app)
    specs = bank_specs(app, owned["bank_id"])
    for rule, method, url, status in _visit_all(app, client, owned, token):
        if "bank_id" in rule.arguments:
            assert status == 404, (method, url, status)
    assert bank_specs(app, owned["bank_id"]) == specs
    assert counts(app) == before


def test_a_student_gets_403_on_every_route(app, client, owned):
    join(client, owned["code"], "Curious Student")
    token = csrf(client.get("/join").get_data(as_text=True))
    before = counts(app)
    for _rule, method, url, status in _visit_all(app, client, owned, token):
        assert status == 403, (method, url, status)
    assert counts(app) == before


def test_nobody_logged_in_is_sent_to_the_login_page(app, client, owned):
    for rule in _authoring_rules(app):
        response = client.get(_url(rule, owned))
        if "GET" in rule.methods:
            assert response.status_code == 302 and "/teacher/login" in response.headers["Location"]


def test_an_upload_cannot_take_over_another_bank_by_its_id(app, client, owned, tmp_path):
    with session_scope(app) as s:
        owner_slug = s.get(m.Bank, owned["bank_id"]).slug
        shipped_slug = shipped_bank(s).slug
    author(app, client, "intruder@example.org")
    specs = bank_specs(app, owned["bank_id"])
    for slug in (owner_slug, shipped_slug):
        text = (DATA / "good" / "minimal.yaml").read_text().replace("id: minimal", f"id: {slug}")
        response = send(
            client,
            "/teacher/banks/upload",
            {"file": (io.BytesIO(text.encode()), "mine.yaml")},
            "/teacher/banks/",
            content_type="multipart/form-data",
        )
        assert response.status_code == 303
        with session_scope(app) as s:
            new = s.get(m.Bank, int(response.headers["Location"].rsplit("/", 1)[1]))
            assert new.slug.startswith("t") and new.slug not in (owner_slug, shipped_slug)
            assert new.title == "A minimal bank"
    assert bank_specs(app, owned["bank_id"]) == specs
    with session_scope(app) as s:
        assert shipped_bank(s).owner_id is None and shipped_bank(s).title != "A minimal bank"


def test_title_and_description_are_checked_by_the_bank(app, client):
    author(app, client)
    bank_id = new_bank(client)
    html = client.get(f"/teacher/banks/{bank_id}/settings").get_data(as_text=True)
    token = re.search(r'name="info-csrf_token" type="hidden" value="([^"]+)"', html)
    assert token
    url = f"/teacher/banks/{bank_id}/settings/info"
    empty = client.post(url, data={"info-csrf_token": token.group(1), "info-title": " "})
    assert empty.status_code == 422
    assert 'id="info-title-error">is required' in empty.get_data(as_text=True)
    data = {"info-csrf_token": token.group(1), "info-title": "Renamed", "info-description": "New."}
    assert client.post(url, data=data).status_code == 303
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        assert (bank.title, bank.description) == ("Renamed", "New.")
