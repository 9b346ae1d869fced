"""An assignment's students' table alone (``?part=students``), which quiz.js fetches
again to show results as they arrive; such background requests do not keep a
teacher's session alive. The browser side is in tests/browser/test_teacher_browser.py."""

from __future__ import annotations

import time

from sqlalchemy import event

from quiz.accounts.views import BACKGROUND_HEADER
from quiz.store.db import get_engine, session_scope
from tests import factories
from tests.factories_results import add_student, load_bank, make_assignment, take_attempt


def _assignment(app, email="teacher@example.org"):
    with session_scope(app) as s:
        klass = factories.gen_class(s, factories.gen_teacher(s, email), "9B Media")
        return factories.gen_assignment(s, klass).id


def test_the_students_table_alone(app, client):
    aid = _assignment(app)
    factories.login(client)
    page = client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
    assert 'data-live-seconds="20"' in page
    assert f'data-live-url="/teacher/assignments/{aid}?part=students"' in page
    part = client.get(f"/teacher/assignments/{aid}?part=students")
    assert part.status_code == 200 and part.headers["Cache-Control"] == "no-store"
    html = part.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="students"' in html and "<tbody>" in html and "No student in this class yet." in html
    assert "Question by question" not in html  # no statistics computed or sent


def test_the_table_alone_reads_no_statistics(app, client):
    """The fragment asks the report for its table only: the students, the attempts
    and their marks are read; the answers' labels (statistics) and responses
    (discernment) are not."""
    with session_scope(app) as s:
        klass = factories.gen_class(s, factories.gen_teacher(s), "9B Media")
        assignment = make_assignment(s, klass, load_bank(s))
        take_attempt(s, add_student(s, klass, "Ada"), assignment, 1, {"q-single": "right"})
        aid = assignment.id
    factories.login(client)
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(get_engine(app), "before_cursor_execute", listen)
    try:
        html = client.get(f"/teacher/assignments/{aid}?part=students").get_data(as_text=True)
    finally:
        event.remove(get_engine(app), "before_cursor_execute", listen)
    assert ">Ada<" in html and "<strong>33%</strong>" in html  # 1 of 3 marks
    assert any("attempt_slot" in sql and "answer.points" in sql for sql in seen)
    assert not [sql for sql in seen if "answer.summary" in sql or "answer.response" in sql]


def test_another_teachers_table_is_not_found(app, client):
    aid = _assignment(app)
    with session_scope(app) as s:
        factories.gen_teacher(s, "other@example.org")
    factories.login(client, "other@example.org")
    assert client.get(f"/teacher/assignments/{aid}?part=students").status_code == 404


def test_background_requests_do_not_keep_the_session_alive(app, client):
    aid = _assignment(app)
    factories.login(client)
    long_ago = int(time.time()) - 600
    with client.session_transaction() as sess:
        sess["teacher_seen_at"] = long_ago
    url = f"/teacher/assignments/{aid}?part=students"
    assert client.get(url, headers={BACKGROUND_HEADER: "1"}).status_code == 200
    with client.session_transaction() as sess:
        assert sess["teacher_seen_at"] == long_ago
    assert client.get(url).status_code == 200
    with client.session_transaction() as sess:
        assert sess["teacher_seen_at"] > long_ago


def test_no_refresh_when_switched_off(app, client):
    app.config["RESULTS_REFRESH_SECONDS"] = 0
    aid = _assignment(app)
    factories.login(client)
    assert "data-live-url" not in client.get(f"/teacher/assignments/{aid}").get_data(as_text=True)
