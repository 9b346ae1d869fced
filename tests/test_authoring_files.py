"""Bank files in and out of the browser, and versions: a broken upload changes
nothing and lists every problem with its line; an edited question that students
answered gets a new version, a deleted one is retired."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from quiz import services
from quiz.domain.banks import parse_bank
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import shipped_bank
from tests.helpers import csrf
from tests.test_authoring import (
    DATA,
    SINGLE_FORM,
    add_single,
    author,
    bank_specs,
    counts,
    new_bank,
    send,
    text_of,
)

BROKEN = [
    "unknown-type",
    "unknown-skill",
    "quote-not-in-article",
    "no-correct-option",
    "numeric-no-accepted-value",
    "duplicate-id",
    "yaml-syntax",
]
MINIMAL = (DATA / "good" / "minimal.yaml").read_text(encoding="utf-8")


def _upload(client, url: str, data: bytes, name: str, page: str | None = None):
    """Send a file as a browser does. The body is built here, in memory: the test
    client would spool a large one to a temporary file that it never closes."""
    token = csrf(client.get(page or url).get_data(as_text=True))
    boundary = "----authoring-test-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n"
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/yaml\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _several_problems() -> str:
    return MINIMAL.replace("skill: percent", "skill: percentages").replace(
        "quote: Officials must act now", "quote: Officials must act tomorrow"
    )


CASES = [(name, (DATA / "broken" / f"{name}.yaml").read_text(encoding="utf-8")) for name in BROKEN]
CASES.append(("several-problems", _several_problems()))


@pytest.mark.parametrize(("name", "text"), CASES, ids=[c[0] for c in CASES])
def test_a_broken_upload_changes_nothing_and_lists_every_problem(app, client, name, text):
    author(app, client)
    own = new_bank(client)
    assert add_single(client, own).status_code == 303
    _loaded, expected = parse_bank(text, f"{name}.yaml")
    assert expected, name
    if name == "several-problems":
        assert len(expected) == 2
    before, specs = counts(app), bank_specs(app, own)
    for url, page in (
        ("/teacher/banks/upload", "/teacher/banks/"),
        (f"/teacher/banks/{own}/replace", None),
    ):
        response = _upload(client, url, text.encode(), f"{name}.yaml", page)
        assert response.status_code == 422, url
        html = text_of(response)
        assert f"({len(expected)} problem" in html
        for error in expected:
            assert error.line > 0
            assert f"<li><code>{error}</code></li>" in html, str(error)
        assert counts(app) == before and bank_specs(app, own) == specs


def test_a_file_over_512_kib_is_refused_unread(app, client):
    author(app, client)
    big = MINIMAL + "# padding\n" * (600 * 1024 // 10)
    before = counts(app)
    response = _upload(client, "/teacher/banks/upload", big.encode(), "big.yaml", "/teacher/banks/")
    assert response.status_code == 422
    assert "larger than 512 KiB" in text_of(response)
    assert counts(app) == before


def test_a_file_that_is_not_utf8_is_refused(app, client):
    author(app, client)
    before = counts(app)
    response = _upload(
        client, "/teacher/banks/upload", "título: ñ".encode("latin-1"), "x.yaml", "/teacher/banks/"
    )
    assert response.status_code == 422 and "not UTF-8" in text_of(response)
    assert counts(app) == before


def test_a_good_upload_becomes_a_bank_of_mine(app, client):
    teacher_id = author(app, client)
    response = _upload(
        client, "/teacher/banks/upload", MINIMAL.encode(), "minimal.yaml", "/teacher/banks/"
    )
    assert response.status_code == 303
    bank_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        assert (bank.owner_id, bank.origin, bank.slug) == (
            teacher_id,
            "web",
            f"t{teacher_id}-a-minimal-bank",
        )
    assert [s["id"] for s in bank_specs(app, bank_id)] == ["q-single", "q-classify"]
    assert "A minimal bank" in text_of(client.get("/teacher/banks/"))


def test_the_shipped_bank_downloads_as_a_file_that_loads_the_same(app, client, shipped_banks):
    author(app, client)
    with session_scope(app) as s:
        bank_id = shipped_bank(s).id
    text = client.get(f"/teacher/banks/{bank_id}/download.yaml").get_data(as_text=True)
    loaded, errors = parse_bank(text, "shipped.yaml")
    assert not errors and loaded is not None
    original = shipped_banks[0]
    assert loaded.sha256() == original.sha256()
    assert [q.to_spec() for q in loaded.questions] == [q.to_spec() for q in original.questions]
    assert "article:\n  title:" in text and "  text: |\n" in text and "“500% rise”" in text


# -- versions -----------------------------------------------------------------------------------


def _answered_attempt(app, bank_id: int) -> tuple[int, int]:
    """A student's attempt on the bank with every question answered: (attempt, answer)."""
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        student = services.create_student(s, "Ada")
        attempt = services.start_attempt(s, student, bank, rng=random.Random(1))
        slot = attempt.slots[0]
        form = services.question_of(slot.question_version).key_form(slot.state)
        result = services.save_answer(s, attempt, slot, form)
        assert result.answer is not None
        return attempt.id, result.answer.id


def test_editing_an_answered_question_makes_a_new_version(app, client):
    author(app, client)
    bank_id = new_bank(client)
    assert add_single(client, bank_id).status_code == 303
    attempt_id, answer_id = _answered_attempt(app, bank_id)
    url = f"/teacher/banks/{bank_id}/questions/pct-six/edit"
    changed = {**SINGLE_FORM, "prompt": "Ten assaults, then a 500% increase: how many?"}
    changed.update({"options-0-oid": "a", "options-1-oid": "b"})
    assert send(client, url, changed).status_code == 303
    with session_scope(app) as s:
        q = s.scalar(select(m.Question).where(m.Question.bank_id == bank_id))
        assert [v.version for v in q.versions] == [1, 2] and q.current_version.version == 2
        old = s.get(m.Attempt, attempt_id)
        assert old.slots[0].question_version.version == 1
        assert s.get(m.Answer, answer_id).question_version_id == q.versions[0].id
        assert old.slots[0].question_version.spec["prompt"] == SINGLE_FORM["prompt"]
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    assert "Current: version 2" in page
    assert "v1: 1 attempt" in page and "v2 (current): 0 attempts" in page


def test_deleting_an_answered_question_retires_it(app, client):
    author(app, client)
    bank_id = new_bank(client)
    assert add_single(client, bank_id).status_code == 303
    assert add_single(client, bank_id, qid="pct-other").status_code == 303
    attempt_id, answer_id = _answered_attempt(app, bank_id)
    delete = f"/teacher/banks/{bank_id}/questions/pct-six/delete"
    assert send(client, delete, {}).status_code == 303
    with session_scope(app) as s:
        q = s.scalar(select(m.Question).where(m.Question.key == "pct-six"))
        assert q.retired and [v.version for v in q.versions] == [1]
        assert s.get(m.Answer, answer_id).question_version_id == q.versions[0].id
        assert len(s.get(m.Attempt, attempt_id).slots) == 2
        fresh = services.start_attempt(s, services.create_student(s, "Bo"), s.get(m.Bank, bank_id))
        assert [sl.question_version.question.key for sl in fresh.slots] == ["pct-other"]
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    assert "Question pct-six was removed (past attempts keep it)." in page  # the flash
    assert 'id="q-pct-six"' not in page and 'id="q-pct-other"' in page


def test_replacing_from_a_file_retires_the_questions_it_leaves_out(app, client):
    author(app, client)
    response = _upload(
        client, "/teacher/banks/upload", MINIMAL.encode(), "minimal.yaml", "/teacher/banks/"
    )
    bank_id = int(response.headers["Location"].rsplit("/", 1)[1])
    shorter = MINIMAL[: MINIMAL.index("  - id: q-classify")]
    replaced = _upload(client, f"/teacher/banks/{bank_id}/replace", shorter.encode(), "b.yaml")
    assert replaced.status_code == 303
    assert [s["id"] for s in bank_specs(app, bank_id)] == ["q-single"]
    with session_scope(app) as s:
        gone = s.scalar(select(m.Question).where(m.Question.key == "q-classify"))
        assert gone.retired and gone.bank_id == bank_id
