"""Draft questions (issue #19): ``draft: true`` in the bank format, never given to a
student (assignments, practice, follow-up) until the teacher publishes it on the bank
page; the round trip through the stored bank and its YAML; the drafter marks every
question it writes. On SQLite and PostgreSQL through the ``app`` fixture."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from quiz import services
from quiz.authoring.dump import dump_yaml, stored_document
from quiz.classes import assignments
from quiz.domain.banks import parse_bank, parse_bank_data, question_from_spec
from quiz.drafting.annotate import annotate
from quiz.drafting.bankdraft import draft_bank, draft_bank_yaml
from quiz.services import followup
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_assignment, gen_class, gen_teacher
from tests.factories_results import add_student
from tests.test_authoring import author, send, text_of
from tests.test_authoring_files import MINIMAL, _upload
from tests.test_drafting_web import SEED, annotate_page, fields_of

ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "question_banks" / "ice-assaults-500.yaml"
DRAFTED = {"pct-multiplier", "pct-times", "base-what-missing"}


def _drafts_doc() -> dict[str, Any]:
    """The shipped bank under another id, three of its questions drafts, the reporting
    ones too (a whole skill that is only drafts)."""
    doc = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    doc["id"] = "ice-drafts"
    for q in doc["questions"]:
        if q["id"] in DRAFTED or q["skill"] == "reporting":
            q["draft"] = True
    return doc


def _drafted(doc: dict[str, Any]) -> set[str]:
    return {q["id"] for q in doc["questions"] if q.get("draft")}


def _load(session: Any, doc: dict[str, Any]) -> m.Bank:
    loaded, errors = parse_bank_data(doc, "drafts.yaml")
    assert loaded is not None, errors
    return services.import_bank(session, loaded)


def _keys(questions: list[m.Question]) -> set[str]:
    return {q.key for q in questions}


# -- the format ------------------------------------------------------------------------------


def test_draft_parses_round_trips_and_refuses_anything_but_a_boolean() -> None:
    doc = _drafts_doc()
    loaded, errors = parse_bank_data(doc, "drafts.yaml")
    assert loaded is not None, errors
    drafts = {q.id for q in loaded.questions if q.draft}
    assert drafts == _drafted(doc) and drafts >= DRAFTED
    assert loaded.summary()["drafts"] == len(drafts)
    spec = next(q for q in loaded.questions if q.id == "pct-multiplier").to_spec()
    assert spec["draft"] is True
    plain = next(q for q in loaded.questions if q.id == "pct-points").to_spec()
    assert "draft" not in plain  # a published question's spec is as before: same versions
    assert question_from_spec(spec, loaded.article, {"categories": loaded.categories}).draft
    for bad in ("yes", 1, None, [True]):
        text = MINIMAL.replace("  - id: q-single\n", f"  - id: q-single\n    draft: {bad!r}\n")
        if bad is None:
            text = MINIMAL.replace("  - id: q-single\n", "  - id: q-single\n    draft:\n")
        bank, problems = parse_bank(text, "bad.yaml")
        assert bank is None
        assert any(p.field == "draft" and "true or false" in p.message for p in problems), problems


def test_a_stored_draft_comes_back_in_the_downloaded_yaml(app) -> None:
    with session_scope(app) as s:
        bank = _load(s, _drafts_doc())
        text = dump_yaml(stored_document(s, bank))
    again, errors = parse_bank(text, "again.yaml")
    assert again is not None, errors
    assert {q.id for q in again.questions if q.draft} == _drafted(_drafts_doc())
    assert text.count("draft: true") == len(_drafted(_drafts_doc()))


# -- never given to a student ------------------------------------------------------------------


def test_drafts_are_never_chosen_for_assignments_practice_or_follow_up(app) -> None:
    drafted = _drafted(_drafts_doc())
    with session_scope(app) as s:
        bank = _load(s, _drafts_doc())
        klass = gen_class(s, gen_teacher(s))
        student = add_student(s, klass, "Ada")
        rng = random.Random(7)
        everything = gen_assignment(s, klass, bank=bank)
        chosen = _keys(assignments.select_questions(s, everything, rng))
        assert chosen and not chosen & drafted
        manual = gen_assignment(
            s,
            klass,
            bank=bank,
            selection="manual",
            selection_config={"questions": ["pct-multiplier", "pct-points"]},
        )
        assert _keys(assignments.select_questions(s, manual, rng)) == {"pct-points"}
        only_drafts = gen_assignment(
            s, klass, bank=bank, selection="skills", selection_config={"skills": ["reporting"]}
        )
        assert assignments.select_questions(s, only_drafts, rng) == []
        draw = gen_assignment(
            s, klass, bank=bank, selection="random", selection_config={"per_skill": 50}
        )
        assert not _keys(assignments.select_questions(s, draw, rng)) & drafted
        started = assignments.start(s, student, everything, rng=rng)
        given = {slot.question_version.question.key for slot in started.slots}
        assert given and not given & drafted
        practice = services.start_attempt(s, student, bank, rng=rng)
        given = {slot.question_version.question.key for slot in practice.slots}
        assert given == _keys(services.live_questions(s, bank)) and not given & drafted
        services.submit_attempt(s, practice)
        s.flush()
        more = _keys(followup.for_attempt(s, practice))
        assert more and not more & drafted
        # the authoring pages still see them
        assert drafted <= _keys(services.live_questions(s, bank, drafts=True))


def test_an_attempt_keeps_its_questions_when_they_become_drafts(app) -> None:
    doc = _drafts_doc()
    for q in doc["questions"]:
        q.pop("draft", None)
    with session_scope(app) as s:
        bank = _load(s, doc)
        student = add_student(s, gen_class(s, gen_teacher(s)), "Ada")
        attempt = services.start_attempt(s, student, bank, rng=random.Random(1))
        before = [slot.question_version_id for slot in attempt.slots]
        _load(s, _drafts_doc())  # now some are drafts
        s.expire_all()
        again = s.get(m.Attempt, attempt.id)
        assert [slot.question_version_id for slot in again.slots] == before
        assert len(before) > len(services.live_questions(s, bank))


# -- the bank page: badge, preview, publish ---------------------------------------------------


def _my_drafts_bank(app, client) -> int:
    author(app, client)
    text = dump_yaml(_drafts_doc())
    response = _upload(client, "/teacher/banks/upload", text.encode(), "d.yaml", "/teacher/banks/")
    assert response.status_code == 303, text_of(response)[:2000]
    with session_scope(app) as s:
        return s.scalars(select(m.Bank.id).where(m.Bank.owner_id.is_not(None))).one()


def _version_spec(app, bank_id: int, key: str) -> dict[str, Any]:
    with session_scope(app) as s:
        q = s.scalars(
            select(m.Question).where(m.Question.bank_id == bank_id, m.Question.key == key)
        ).one()
        return dict(q.current_version.spec)


def test_the_bank_page_marks_drafts_and_publish_clears_them(app, client) -> None:
    bank_id = _my_drafts_bank(app, client)
    drafted = _drafted(_drafts_doc())
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    assert page.count('class="badge badge-draft">Draft</span>') == len(drafted)
    assert f"{len(drafted)} of" in page and "Publish all drafts" in page
    assert f'action="/teacher/banks/{bank_id}/questions/pct-multiplier/publish"' in page
    assert f'action="/teacher/banks/{bank_id}/questions/pct-points/publish"' not in page
    editor = text_of(client.get(f"/teacher/banks/{bank_id}/questions/pct-multiplier/edit"))
    assert 'class="badge badge-draft">Draft</span>' in editor
    published = text_of(client.get(f"/teacher/banks/{bank_id}/questions/pct-points/edit"))
    assert "badge-draft" not in published
    preview = client.get(f"/teacher/banks/{bank_id}/preview/1")  # pct-multiplier, a draft
    assert preview.status_code == 200
    assert "Preview: question 1 of 42" in text_of(preview)
    assert "Suppose an agency counted" in text_of(preview)

    # no CSRF token: refused, nothing changes
    url = f"/teacher/banks/{bank_id}/questions/pct-multiplier/publish"
    assert client.post(url).status_code == 400
    assert _version_spec(app, bank_id, "pct-multiplier").get("draft") is True
    assert client.post(f"/teacher/banks/{bank_id}/questions/nope/publish", data={}).status_code in (
        400,
        404,
    )

    response = send(client, url, {}, page=f"/teacher/banks/{bank_id}")
    assert response.status_code == 303
    assert "draft" not in _version_spec(app, bank_id, "pct-multiplier")
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        q = next(q for q in bank.questions if q.key == "pct-multiplier")
        assert q.current_version.version == 2  # a new version, as any edit makes
        assert "pct-multiplier" in _keys(services.live_questions(s, bank))
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    assert "Question pct-multiplier published" in page
    assert page.count('class="badge badge-draft">Draft</span>') == len(drafted) - 1

    response = send(
        client, f"/teacher/banks/{bank_id}/publish", {}, page=f"/teacher/banks/{bank_id}"
    )
    assert response.status_code == 303
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    assert f"Published {len(drafted) - 1} draft questions." in page
    assert "badge-draft" not in page and "Publish all drafts" not in page
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        assert drafted <= _keys(services.live_questions(s, bank))
    response = send(
        client, f"/teacher/banks/{bank_id}/publish", {}, page=f"/teacher/banks/{bank_id}"
    )
    assert "No draft to publish." in text_of(client.get(response.headers["Location"]))


def test_another_teacher_cannot_publish(app, client) -> None:
    bank_id = _my_drafts_bank(app, client)
    other = app.test_client()
    author(app, other, "other@example.org")
    response = send(other, f"/teacher/banks/{bank_id}/publish", {}, page="/teacher/banks/")
    assert response.status_code in (403, 404)
    assert _version_spec(app, bank_id, "pct-multiplier").get("draft") is True


# -- the drafter ------------------------------------------------------------------------------


def test_the_drafter_marks_every_question_a_draft() -> None:
    ann = annotate(SEED)
    bank = draft_bank(ann, "A test")
    assert bank["questions"] and all(q["draft"] is True for q in bank["questions"])
    loaded, errors = parse_bank(draft_bank_yaml(ann, "A test"), "draft.yaml")
    assert loaded is not None, errors
    assert all(q.draft for q in loaded.questions)


def test_the_cli_draft_passes_bank_check_with_a_drafts_note(runner, tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SEED, encoding="utf-8")
    out = tmp_path / "bank.yaml"
    result = runner.invoke(args=["draft", str(article), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "draft: true" in out.read_text(encoding="utf-8")
    check = runner.invoke(args=["bank", "check", str(out)])
    assert check.exit_code == 0, check.output
    n = len(parse_bank(out.read_text(encoding="utf-8"), "b")[0].questions)
    assert f"note: {n} questions of {n} are drafts, unpublished" in check.output
    assert "warning" not in check.output.split("note:")[1]
    shipped = runner.invoke(args=["bank", "check", str(SHIPPED)])
    assert "note:" not in shipped.output


def test_the_browser_drafter_stores_drafts(app, client) -> None:
    author(app, client, "drafter2@example.org")
    review = annotate_page(client, SEED).get_data(as_text=True)
    response = client.post("/teacher/banks/draft/create", data=fields_of(review))
    assert response.status_code == 303
    bank_id = int(re.search(r"/teacher/banks/(\d+)$", response.headers["Location"]).group(1))
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        assert bank.questions
        assert all(q.current_version.spec.get("draft") is True for q in bank.questions)
        assert services.live_questions(s, bank) == []  # nothing for students yet
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    assert "Publish all drafts" in page
    assert "Every question is a draft: publish one to assign the bank." in page


def test_editing_a_draft_in_the_editor_keeps_it_a_draft_and_the_download_says_so(app, client):
    from quiz.authoring import operations as ops
    from tests.test_authoring import SINGLE_FORM, add_single, new_bank

    author(app, client)
    bank_id = new_bank(client)
    assert add_single(client, bank_id).status_code == 303
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        doc = ops.document(s, bank)
        doc["questions"][0]["draft"] = True
        saved, errors = ops.save_document(s, s.get(m.Teacher, bank.owner_id), doc, bank)
        assert saved is not None, errors
    url = f"/teacher/banks/{bank_id}/questions/pct-six/edit"
    changed = {**SINGLE_FORM, "prompt": "Ten assaults, then a 500% increase: how many?"}
    changed.update({"options-0-oid": "a", "options-1-oid": "b"})
    assert send(client, url, changed).status_code == 303
    spec = _version_spec(app, bank_id, "pct-six")
    assert spec["draft"] is True and spec["prompt"] == changed["prompt"]
    body = client.get(f"/teacher/banks/{bank_id}/download.yaml").get_data(as_text=True)
    (question,) = yaml.safe_load(body)["questions"]
    assert question["draft"] is True
    send(client, f"/teacher/banks/{bank_id}/questions/pct-six/publish", {}, page=url)
    spec = _version_spec(app, bank_id, "pct-six")
    assert "draft" not in spec and spec["prompt"] == changed["prompt"]
    body = client.get(f"/teacher/banks/{bank_id}/download.yaml").get_data(as_text=True)
    assert "draft" not in yaml.safe_load(body)["questions"][0]


def test_a_bank_of_drafts_is_not_the_default_and_cannot_be_assigned(app, client) -> None:
    teacher_id = author(app, client, "drafter3@example.org")
    review = annotate_page(client, SEED).get_data(as_text=True)
    response = client.post("/teacher/banks/draft/create", data=fields_of(review))
    bank_id = int(re.search(r"/teacher/banks/(\d+)$", response.headers["Location"]).group(1))
    with session_scope(app) as s:
        class_id = gen_class(s, s.get(m.Teacher, teacher_id)).id
    url = f"/teacher/classes/{class_id}/assignments/new"
    page = text_of(client.get(url))
    chosen = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', page)
    assert chosen is not None and bank_id not in {int(x) for x in chosen.groups() if x}
    data = {
        "title": "Drafts",
        "bank": str(bank_id),
        "selection": "all",
        "opens_at": "2026-01-01T09:00",
        "attempts_allowed": "1",
        "grading": "highest",
        "feedback": m.FEEDBACK_AFTER_SUBMIT,
    }
    refused = send(client, url, data)
    assert refused.status_code == 422
    assert "Every question of this bank is a draft" in text_of(refused)
    with session_scope(app) as s:
        assert s.scalars(select(m.Assignment)).first() is None
