"""Authoring banks in the browser: a bank from a pasted article, its settings (skills,
misconceptions, title and description) and the article's text. Copies, read-only banks and
who may do what: tests/test_authoring_access.py. The shared helpers live in
tests/authoring_helpers.py; other tests import them from here too."""

from __future__ import annotations

import re

from sqlalchemy import select

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.authoring_helpers import (
    ARTICLE,
    BANK_TITLE,
    DATA,
    HIGHLIGHT_FORM,
    SENTENCES,
    SINGLE_FORM,
    add_single,
    author,
    bank_specs,
    counts,
    new_bank,
    send,
    text_of,
)
from tests.factories import shipped_bank

# Shared with the other tests of the bank pages, which import them from here.
__all__ = [
    "ARTICLE",
    "BANK_TITLE",
    "DATA",
    "HIGHLIGHT_FORM",
    "SENTENCES",
    "SINGLE_FORM",
    "add_single",
    "author",
    "bank_specs",
    "counts",
    "new_bank",
    "send",
    "text_of",
]


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
