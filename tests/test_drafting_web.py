""" "New bank from an article" (issue #19): paste or upload → the annotated reading
with labels the teacher can correct → a draft bank in the editor. Real HTTP through
the test client, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_teacher, login
from tests.helpers import csrf

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import drafter as bench  # noqa: E402

SEED = bench.load(ROOT / "tests" / "data" / "drafting" / "seed-ice.yaml")["text"]
CONTROL = bench.load(ROOT / "tests" / "data" / "drafting" / "control-jobs.yaml")["text"]


class _Fields(HTMLParser):
    """The fields a browser would send from the page's last form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.fields = []
        elif tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value") or "y"))
            elif a.get("type") != "file":
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def fields_of(html: str) -> dict[str, Any]:
    parser = _Fields()
    parser.feed(html)
    return dict(parser.fields)


def author(app, client) -> int:
    with session_scope(app) as s:
        teacher_id = gen_teacher(s, "drafter@example.org").id
    assert login(client, "drafter@example.org").status_code in (302, 303)
    return teacher_id


def annotate_page(client, text: str, **extra: Any):
    page = client.get("/teacher/banks/draft").get_data(as_text=True)
    data = {"csrf_token": csrf(page), "text": text, "source": "A test", **extra}
    if "file" in extra:
        return client.post("/teacher/banks/draft", data=data, content_type="multipart/form-data")
    return client.post("/teacher/banks/draft", data=data)


def bank_count(app) -> int:
    with session_scope(app) as s:
        return s.scalar(
            select(func.count()).select_from(m.Bank).where(m.Bank.owner_id.is_not(None))
        )


def test_the_banks_page_links_to_the_drafter_and_its_form_is_labelled(app, client) -> None:
    author(app, client)
    index = client.get("/teacher/banks/").get_data(as_text=True)
    assert 'href="/teacher/banks/draft"' in index
    page = client.get("/teacher/banks/draft")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in ("text", "file", "source"):
        assert f'for="{name}"' in html
    assert 'name="csrf_token"' in html


def test_the_annotated_reading_shows_voices_claims_loaded_words_and_reasons(app, client) -> None:
    author(app, client)
    response = annotate_page(client, SEED)
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert "<mark>Stunning</mark>" in html and "<mark>staggering</mark>" in html
    assert 'id="p1-s1"' in html and 'id="p16-s2"' in html
    assert "“500% increase” in p1-s1" in html
    assert "Missing: the starting number or absolute counts" in html
    assert "no starting number or absolute count for this figure anywhere in the article" in html
    assert "credited to a named source (DHS … disclosed)" in html
    assert '<option selected value="advocacy">' in html  # p13-s2 "A balanced approach is vital"
    assert bank_count(app) == 0  # nothing stored yet


def test_a_well_sourced_article_is_shown_clean(app, client) -> None:
    author(app, client)
    html = unescape(annotate_page(client, CONTROL).get_data(as_text=True))
    assert html.count("Nothing missing: the article gives all five.") == 5
    assert "Missing:" not in html


def test_creating_the_draft_bank_as_labelled(app, client) -> None:
    author(app, client)
    review = annotate_page(client, SEED).get_data(as_text=True)
    response = client.post("/teacher/banks/draft/create", data=fields_of(review))
    assert response.status_code == 303, unescape(response.get_data(as_text=True))[:2000]
    bank_url = response.headers["Location"]
    page = client.get(bank_url)
    html = unescape(page.get_data(as_text=True))
    assert "Draft bank created: 7 questions" in html
    assert "Draft: Stunning 500% Rise" in html
    with session_scope(app) as s:
        bank = s.scalars(select(m.Bank).where(m.Bank.owner_id.is_not(None))).one()
        assert bank.title.startswith("Draft:") and len(bank.questions) == 7


def test_the_teachers_corrections_make_the_bank(app, client) -> None:
    author(app, client)
    review = annotate_page(client, SEED).get_data(as_text=True)
    data = fields_of(review)
    # p1-s1 is sentences-1 (the title is sentences-0); call it vague, drop its loaded words
    assert data["sentences-1-sid"] == "p1-s1"
    data["sentences-1-voice"] = "vague_attribution"
    data["sentences-1-loaded"] = "shocking"
    # claim 1 (p1-s1's 500%): say the source is not named after all
    data.pop("claims-1-source")
    response = client.post("/teacher/banks/draft/create", data=data)
    assert response.status_code == 303, re.findall(
        r'class="error"[^>]*>(.*?)</', unescape(response.get_data(as_text=True))
    )
    bank_id = int(re.search(r"/teacher/banks/(\d+)$", response.headers["Location"]).group(1))
    doc = yaml.safe_load(
        client.get(f"/teacher/banks/{bank_id}/download.yaml").get_data(as_text=True)
    )
    by_id = {q["id"]: q for q in doc["questions"]}
    classify = by_id["voice-classify"]
    first = next(s for s in classify["sentences"] if s["quote"].startswith("In a shocking"))
    assert first["category"] == "vague" and "set by you" in first["feedback"]
    missing = by_id["base-missing-1"]
    source = next(o for o in missing["options"] if o["text"] == "A named source for the figure")
    assert source.get("correct") is True
    loaded = by_id["voice-loaded"]
    feedback = next(s["feedback"] for s in loaded["sentences"] if s["quote"].startswith("In a"))
    assert "“shocking”" in feedback and "staggering" not in feedback


def test_bad_articles_get_a_message_beside_the_field_and_keep_the_text(app, client) -> None:
    author(app, client)
    cases = [
        ("", "The article is empty"),
        ("One line only with no title", "No title line"),
        ("Title\n\nA NUL \x00 here.", "cannot be stored"),
        ("Title\n\n" + "word " * 1_100_000, "larger than 256 KB"),
    ]
    for text, message in cases:
        response = annotate_page(client, text)
        assert response.status_code == 422, message
        html = unescape(response.get_data(as_text=True))
        assert message in html
        assert 'aria-invalid="true"' in html
        if len(text) < 1000 and "\x00" not in text:
            assert text in html  # nothing lost
    assert bank_count(app) == 0


def test_an_uploaded_file_is_read_and_a_bad_one_named_beside_the_file_field(app, client) -> None:
    author(app, client)
    good = annotate_page(client, "", file=(io.BytesIO(CONTROL.encode()), "jobs.txt"))
    assert good.status_code == 200
    assert "Ohio unemployment rate" in unescape(good.get_data(as_text=True))
    bad = annotate_page(client, "", file=(io.BytesIO("Café\n\nBody.".encode("cp1252")), "x.txt"))
    assert bad.status_code == 422
    assert "not UTF-8" in unescape(bad.get_data(as_text=True))
    binary = annotate_page(client, "", file=(io.BytesIO(b"\x00\x01\x02" * 100), "x.bin"))
    assert binary.status_code == 422 and "NUL" in unescape(binary.get_data(as_text=True))


def test_a_loaded_word_not_in_the_sentence_is_refused_beside_it(app, client) -> None:
    author(app, client)
    data = fields_of(annotate_page(client, SEED).get_data(as_text=True))
    data["sentences-2-loaded"] = "alarming, catastrophic"
    response = client.post("/teacher/banks/draft/create", data=data)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Not in this sentence: catastrophic." in html
    assert 'value="alarming, catastrophic"' in html  # what was typed is kept
    assert bank_count(app) == 0


def test_labels_that_do_not_fit_the_article_are_shown_afresh(app, client) -> None:
    author(app, client)
    data = fields_of(annotate_page(client, SEED).get_data(as_text=True))
    data["sentences-1-sid"] = "p9-s9"
    data["sentences-1-voice"] = "no-such-voice"
    response = client.post("/teacher/banks/draft/create", data=data)
    assert response.status_code == 422
    assert "No bank was made." in unescape(response.get_data(as_text=True))
    assert bank_count(app) == 0
    data["sentences-1-voice"] = "advocacy"
    response = client.post("/teacher/banks/draft/create", data=data)
    assert response.status_code == 422
    assert "shown afresh" in unescape(response.get_data(as_text=True))


def test_an_article_with_nothing_to_ask_about_says_so_and_stores_nothing(app, client) -> None:
    author(app, client)
    data = fields_of(annotate_page(client, "A title\n\nOne plain sentence.").get_data(as_text=True))
    response = client.post("/teacher/banks/draft/create", data=data)
    assert response.status_code == 422
    assert "nothing to draft a question from" in unescape(response.get_data(as_text=True))
    assert bank_count(app) == 0


def test_markup_in_an_article_is_shown_as_text(app, client) -> None:
    author(app, client)
    text = "<script>alert(1)</script> rises 40%\n\nA <b>bold</b> claim: costs soared 40% in 2024."
    html = annotate_page(client, text).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html


def test_without_a_csrf_token_or_a_login_nothing_happens(app, client) -> None:
    assert client.get("/teacher/banks/draft").status_code in (302, 303)
    author(app, client)
    response = client.post("/teacher/banks/draft", data={"text": SEED})
    assert response.status_code in (400, 422)
    assert bank_count(app) == 0
