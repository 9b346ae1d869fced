"""Classes: join codes, joining, re-entry, rate limits, roster, merge, export, purge, delete."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from quiz import services
from quiz.classes import roster as classes
from quiz.store import models as m
from quiz.store.db import session_scope, utcnow
from tests.factories import gen_assignment, gen_class, gen_teacher, join, login
from tests.helpers import csrf


def _setup(app):
    with session_scope(app) as s:
        teacher = gen_teacher(s)
        klass = gen_class(s, teacher)
        return klass.id, klass.join_code


def test_join_codes_are_unambiguous_and_long_enough():
    code = classes.new_code(classes.JOIN_CODE_LENGTH)
    assert len(code) == 8 and not set(code) & set("0O1IL")
    assert classes.normalise_code(" abcd-efgh ") == "ABCDEFGH"
    assert classes.pretty_code("ABCDEFGH") == "ABCD-EFGH"


def test_student_joins_with_code_and_name_and_keeps_identity(app, client):
    class_id, code = _setup(app)
    response = join(client, classes.pretty_code(code).lower(), "  Ada   L ")
    assert response.status_code == 303 and "/me" in response.headers["Location"]
    page = client.get("/me").get_data(as_text=True)
    assert "Ada L" in page and "Year 9 English" in page
    with session_scope(app) as s:
        student = s.scalars(select(m.Student).where(m.Student.class_id == class_id)).one()
        assert len(student.reentry_code) == 10
        reentry = student.reentry_code
    assert classes.pretty_code(reentry) in page
    # Another browser comes back as the same student with the re-entry code.
    other = app.test_client()
    form = other.get("/join").get_data(as_text=True)
    back = other.post("/reenter", data={"csrf_token": csrf(form), "reentry_code": reentry.lower()})
    assert back.status_code == 303
    assert "Ada L" in other.get("/me").get_data(as_text=True)


def test_join_errors_are_beside_the_field(app, client):
    _setup(app)
    response = join(client, "", "")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Type the class code" in page and "Please type your name" in page
    assert 'aria-invalid="true"' in page


def test_failed_joins_are_limited_per_code_and_browser_not_per_ip(app):
    _setup(app)
    browser = app.test_client()
    for _ in range(4):
        assert join(browser, "ZZZZ-ZZZZ", "Eve").status_code == 422
    assert join(browser, "ZZZZ-ZZZZ", "Eve").status_code == 429
    assert "Too many tries" in join(browser, "ZZZZ-ZZZZ", "Eve").get_data(as_text=True)
    # A classmate behind the same school IP address is not blocked.
    classmate = app.test_client()
    assert join(classmate, "ZZZZ-ZZZZ", "Bob").status_code == 422
    with session_scope(app) as s:
        keys = s.scalars(select(m.RateLimit.key)).all()
        assert all(k.startswith("join:ZZZZZZZZ:") for k in keys) and len(keys) == 2


def test_roster_import_is_all_or_nothing(app):
    class_id, _code = _setup(app)
    with session_scope(app) as s:
        klass = s.get(m.Klass, class_id)
        bad = classes.import_roster(s, klass, "name\nAda\n\n" + "x" * 61 + "\n")
        assert bad.errors == [f"Line 4: the name is longer than 60 characters ({'x' * 20}…)."]
        assert not bad.created
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(m.Student)) == 0
        klass = s.get(m.Klass, class_id)
        good = classes.import_roster(s, klass, "\ufeffname,group\nAda,1\nBob,2\n")
        assert [st.display_name for st in good.created] == ["Ada", "Bob"]
        assert len({st.reentry_code for st in good.created}) == 2


def test_merge_moves_attempts_and_removes_the_duplicate(app):
    class_id, _ = _setup(app)
    with session_scope(app) as s:
        klass = s.get(m.Klass, class_id)
        a = gen_assignment(s, klass, attempts_allowed=0)
        one, two = (
            m.Student(display_name=n, klass=klass, reentry_code=classes.new_code(10))
            for n in ("Ada", "Ada L")
        )
        s.add_all([one, two])
        s.flush()
        for student in (one, two):
            t = services.start_attempt(s, student, a.bank, assignment=a, number=1)
            services.submit_attempt(s, t)
        moved = classes.merge_students(s, one, two)
        assert moved == 1
        numbers = s.scalars(
            select(m.Attempt.number)
            .where(m.Attempt.student_id == one.id)
            .order_by(m.Attempt.number)
        ).all()
        assert numbers == [1, 2]
        assert s.get(m.Student, two.id) is None


def test_student_export_holds_everything_and_no_ip(app, client):
    class_id, code = _setup(app)
    join(client, code, "Ada")
    with session_scope(app) as s:
        student = s.scalars(select(m.Student)).one()
        data = classes.student_export(s, student)
    assert data["student"]["display_name"] == "Ada" and data["attempts"] == []
    text = json.dumps(data)
    assert "127.0.0.1" not in text and "ip" not in data["student"]


def test_purge_deletes_what_retention_no_longer_allows(app):
    class_id, _ = _setup(app)
    with session_scope(app) as s:
        klass = s.get(m.Klass, class_id)
        klass.retention_days = 30
        a = gen_assignment(s, klass, attempts_allowed=0)
        old = m.Student(display_name="Old", klass=klass, reentry_code=classes.new_code(10))
        new = m.Student(display_name="New", klass=klass, reentry_code=classes.new_code(10))
        s.add_all([old, new])
        s.flush()
        old.created_at = old.last_seen_at = utcnow() - timedelta(days=40)
        t_old = services.start_attempt(s, old, a.bank, assignment=a, number=1)
        t_old.started_at = utcnow() - timedelta(days=40)
        services.start_attempt(s, new, a.bank, assignment=a, number=1)
        s.flush()
        counts = classes.purge_expired(s)
        assert counts == {"attempts": 1, "students": 1}
        assert [st.display_name for st in s.scalars(select(m.Student))] == ["New"]


def test_delete_class_removes_everything_in_it(app):
    class_id, _ = _setup(app)
    with session_scope(app) as s:
        klass = s.get(m.Klass, class_id)
        a = gen_assignment(s, klass)
        st = m.Student(display_name="Ada", klass=klass, reentry_code=classes.new_code(10))
        s.add(st)
        s.flush()
        attempt = services.start_attempt(s, st, a.bank, assignment=a, number=1)
        slot = attempt.slots[0]
        s.commit()
        services.save_answer(
            s, attempt, slot, services.question_of(slot.question_version).key_form(slot.state)
        )
    with session_scope(app) as s:
        classes.delete_class(s, s.get(m.Klass, class_id))
    with session_scope(app) as s:
        for model in (m.Klass, m.Student, m.Assignment, m.Attempt, m.AttemptSlot, m.Answer):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model
        assert s.scalar(select(func.count()).select_from(m.Teacher)) == 1


# Rosters: pasted names one per line, files as CSV with a header; the names are
# shown before they are added; a bad line is named, never cut.


def _roster_post(app, client, class_id: int, text: str = "", file: bytes | None = None):
    page = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    data: dict = {"csrf_token": csrf(page), "text": text}
    if file is not None:
        data["file"] = (io.BytesIO(file), "roster.csv")
    return client.post(
        f"/teacher/classes/{class_id}/roster", data=data, content_type="multipart/form-data"
    )


def _teacher_client(app):
    client = app.test_client()
    assert login(client).status_code in (302, 303)
    return client


def _student_names(app, class_id: int) -> list[str]:
    with session_scope(app) as s:
        return sorted(
            s.scalars(select(m.Student.display_name).where(m.Student.class_id == class_id))
        )


def test_pasted_names_are_shown_then_added_whole(app):
    class_id, _ = _setup(app)
    client = _teacher_client(app)
    shown = _roster_post(app, client, class_id, "Smith, John\rO'Brien, Mary-Kate\r\n\n  Ada   L ")
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert "Add these 3 students" in page and "Nothing is added yet" in page
    assert "<li>Smith, John</li>" in page and "<li>O&#39;Brien, Mary-Kate</li>" in page
    assert _student_names(app, class_id) == []
    names = re.findall(r'<input type="hidden" name="name" value="([^"]*)">', page)
    confirm = {"csrf_token": csrf(page), "step": "confirm", "name": [unescape(n) for n in names]}
    added = client.post(f"/teacher/classes/{class_id}/roster", data=confirm)
    assert added.status_code == 303
    assert _student_names(app, class_id) == ["Ada L", "O'Brien, Mary-Kate", "Smith, John"]
    assert "3 students added" in client.get(added.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "file", "message"),
    [
        ("", b"name\rAda\rBob\r", None),  # old Mac line endings
        ("", b'name\n"' + b"x" * 300 * 1024 + b'"\n', "larger than 256 KiB"),
        ("", b'name\n"' + b"x" * 200 * 1024 + b'"\n', "Line 2: this is not readable as CSV"),
        ("", b"Ada\nBob\n", "Line 1: the first line must be a header with a “name” column"),
        ("", b"name,group\nAda,1\n,2\n", "Line 3: no name."),
        ("", b"name\nAda\x00\n", "Line 2: a character that cannot be stored"),
        ("Ada\r" + "y" * 300 * 1024, None, "Line 2: the name is longer than 60 characters"),
        ("Ada\x00", None, "cannot be stored (a NUL byte"),
        ("\n \n", None, "There are no names."),
    ],
    ids=["cr", "big-file", "big-cell", "header", "no-name", "nul-file", "long", "nul", "empty"],
)
def test_hostile_rosters_are_named_not_a_500(app, text, file, message):
    class_id, _ = _setup(app)
    client = _teacher_client(app)
    response = _roster_post(app, client, class_id, text, file)
    page = unescape(response.get_data(as_text=True))
    if message is None:
        assert response.status_code == 200 and "<li>Ada</li><li>Bob</li>" in page
    else:
        assert response.status_code == 422, page[:2000]
        assert message in page and 'aria-invalid="true"' in page
        assert '<details class="more" open>' in page
    assert _student_names(app, class_id) == []


def test_the_confirm_step_checks_the_names_again(app):
    class_id, _ = _setup(app)
    client = _teacher_client(app)
    page = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    data = {"csrf_token": csrf(page), "step": "confirm", "name": ["Ada", "z" * 61]}
    response = client.post(f"/teacher/classes/{class_id}/roster", data=data)
    assert response.status_code == 422
    assert "Line 2: the name is longer than 60 characters" in response.get_data(as_text=True)
    assert _student_names(app, class_id) == []
    no_token = client.post(f"/teacher/classes/{class_id}/roster", data={"step": "confirm"})
    assert no_token.status_code == 400
