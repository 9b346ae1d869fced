"""The teacher's whole journey with the test client: account from the command line,
class, assignment through the form, students join and submit, results, regrade,
and both CSV exports parsed back and checked cell by cell against the database."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from sqlalchemy import select

from quiz import services
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import PASSWORD, join, login
from tests.helpers import answer, csrf, slot_question


def _token(client, path="/teacher/"):
    return csrf(client.get(path).get_data(as_text=True))


def _rows(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") >= 2
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _class_through_the_form(teacher) -> tuple[int, str]:
    """A class made through the form (an empty name re-renders with the error beside
    it); its id and join code."""
    bad = teacher.post("/teacher/classes", data={"csrf_token": _token(teacher), "name": " "})
    assert bad.status_code == 422 and "Give the class a name" in bad.get_data(as_text=True)
    made = teacher.post("/teacher/classes", data={"csrf_token": _token(teacher), "name": "8C"})
    assert made.status_code == 303
    class_url = made.headers["Location"]
    class_id = int(class_url.rsplit("/", 1)[1])
    page = teacher.get(class_url).get_data(as_text=True)
    assert "<h1>8C</h1>" in page
    code = re.search(r'class="join-code">([A-Z0-9-]+)<', page).group(1)
    qr = teacher.get(f"/teacher/classes/{class_id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and "<svg" in qr.get_data(as_text=True)
    return class_id, code


def _assignment_through_the_form(teacher, class_id: int) -> str:
    """An assignment through the form: errors first, then a good one; its URL."""
    form_url = f"/teacher/classes/{class_id}/assignments/new"
    form_page = teacher.get(form_url).get_data(as_text=True)
    bank_id = re.search(r'<option[^>]*value="(\d+)"', form_page).group(1)
    base = {
        "csrf_token": csrf(form_page),
        "title": "Baseline check",
        "bank": bank_id,
        "selection": "skills",
        "opens_at": "2020-01-01T08:00",
        "closes_at": "2019-01-01T08:00",
        "attempts_allowed": "2",
        "grading": "highest",
        "feedback": "after_submit",
        "shuffle_options": "y",
    }
    bad = teacher.post(form_url, data=base)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "It must close after it opens." in text and "Tick at least one skill." in text
    assert 'value="Baseline check"' in text  # what was typed is kept
    good = teacher.post(
        form_url, data={**base, "closes_at": "2099-01-01T08:00", "skills": "baseline"}
    )
    assert good.status_code == 303
    return good.headers["Location"]


def _form(slot, right: bool) -> dict[str, list[str]]:
    q = slot_question(slot)
    wrong = [] if right else q.misconception_form(slot.state)
    return wrong[0] if wrong else q.key_form(slot.state)


def _join_and_submit(app, code: str, assignment_id: int, name: str, right: bool) -> m.Attempt:
    """A student joins, answers every question (the keys, or the mistakes the items
    name) and submits; the submitted attempt, read back."""
    browser = app.test_client()
    assert join(browser, code, name).status_code == 303
    token = csrf(browser.get("/join").get_data(as_text=True))
    started = browser.post(f"/assignments/{assignment_id}/start", data={"csrf_token": token})
    attempt_id = int(started.headers["Location"].split("/")[2])
    with session_scope(app) as s:
        slots = list(s.get(m.Attempt, attempt_id).slots)
        for slot in slots:
            _ = slot.question_version.article
    for slot in slots:
        assert answer(browser, attempt_id, slot.position, _form(slot, right)).status_code == 303
    review = browser.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    submitted = browser.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf(review)})
    assert submitted.status_code == 303
    with session_scope(app) as s:
        attempt = s.get(m.Attempt, attempt_id)
        assert attempt.status == m.ATTEMPT_SUBMITTED
        s.expunge(attempt)
    return attempt


def _check_grades(app, grades: list[dict[str, str]], code: str) -> None:
    """Grades CSV: one row per student, cell by cell against the database."""
    assert [r["student_name"] for r in grades] == ["Ana", "Ben", "Cy"]
    with session_scope(app) as s:
        for row in grades:
            student = s.scalars(
                select(m.Student).where(m.Student.display_name == row["student_name"])
            ).one()
            assert int(row["student_id"]) == student.id
            assert row["class_code"] == code.replace("-", "")
            attempt = s.scalars(select(m.Attempt).where(m.Attempt.student_id == student.id)).first()
            if attempt is None:
                assert row["status"] == "not started" and row["score"] == ""
                continue
            assert row["status"] == "submitted" and float(row["score"]) == round(attempt.score, 4)
            assert float(row["max_score"]) == attempt.max_score
            assert row["submitted_at"] == attempt.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            percent = float(row["skill_baseline_percent"])
            assert percent == 100 if row["student_name"] == "Ana" else percent < 100


def _check_responses(app, responses: list[dict[str, str]]) -> None:
    """Responses CSV: one row per stored answer, against the database."""
    with session_scope(app) as s:
        answers = s.scalars(select(m.Answer)).all()
        answered = s.scalars(select(m.AttemptSlot)).all()  # Ana and Ben answered every slot
        assert len(responses) == len(answers) == len(answered) > 0
        by_key = {(a.attempt_id, a.slot.position): a for a in answers}
        for row in responses:
            stored = by_key[(int(row["attempt_id"]), int(row["position"]))]
            assert float(row["fraction"]) in (round(stored.fraction, 4), stored.fraction)
            assert row["question_id"] == stored.slot.question_version.question.key
            assert row["skill"] == "baseline"
            assert row["misconception"] == (stored.misconception or "")
    assert any(row["misconception"] for row in responses)  # Ben's mistakes are named


def test_teacher_journey(app, runner):
    result = runner.invoke(args=["create-teacher", "kim@school.example"], input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    teacher = app.test_client()
    assert login(teacher, "kim@school.example").status_code == 303
    class_id, code = _class_through_the_form(teacher)
    assignment_url = _assignment_through_the_form(teacher, class_id)
    assignment_id = int(assignment_url.rsplit("/", 1)[1])

    # Three students join; two submit with different answers, one never starts.
    ana = _join_and_submit(app, code, assignment_id, "Ana", right=True)
    ben = _join_and_submit(app, code, assignment_id, "Ben", right=False)
    assert join(app.test_client(), code, "Cy").status_code == 303
    # Ana gave every key: full marks; Ben showed the mistakes: fewer.
    assert ana.score == ana.max_score == ben.max_score > ben.score
    scores = {"Ana": ana.score, "Ben": ben.score}

    results = teacher.get(assignment_url).get_data(as_text=True)
    for name in ("Ana", "Ben", "Cy"):
        assert name in results
    assert "not started" in results and results.count("submitted") >= 2
    assert "Question by question" in results and results.count("<svg") == 2
    assert " · 2 attempts · " in results and "2 attempts analysed" in results
    assert "(s)" not in results

    _check_grades(app, _rows(teacher.get(f"{assignment_url}/grades.csv")), code)
    _check_responses(app, _rows(teacher.get(f"{assignment_url}/responses.csv")))

    # The teacher sees an attempt as the student saw it.
    attempt_link = re.search(r'href="(/teacher/attempts/\d+)"', results).group(1)
    seen = teacher.get(attempt_link).get_data(as_text=True)
    assert "As the student saw it" in seen and "version" in seen
    assert re.search(r"<h1>(Ana|Ben) — attempt 1</h1>", seen)

    # Regrade after fixing a question: nothing changed in the bank, nothing moves.
    token = csrf(results)
    regraded = teacher.post(
        f"/teacher/assignments/{assignment_id}/regrade", data={"csrf_token": token}
    )
    assert regraded.status_code == 303
    assert "Regraded: 0 answers" in teacher.get(assignment_url).get_data(as_text=True)
    with session_scope(app) as s:
        for name, score in scores.items():
            st = s.scalars(select(m.Student).where(m.Student.display_name == name)).one()
            attempt = s.scalars(select(m.Attempt).where(m.Attempt.student_id == st.id)).one()
            assert abs(attempt.score - score) < 1e-9


def test_regrade_uses_the_fixed_question(app, shipped_banks):
    from tests.factories import gen_assignment, gen_class, gen_teacher

    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        a = gen_assignment(
            s, klass, selection="manual", selection_config={"questions": ["pct-multiplier"]}
        )
        st = m.Student(display_name="Ana", klass=klass, reentry_code="ABCDEFGHJK")
        s.add(st)
        s.flush()
        attempt = services.start_attempt(
            s,
            st,
            a.bank,
            assignment=a,
            number=1,
            questions=[q for q in services.live_questions(s, a.bank) if q.key == "pct-multiplier"],
        )
        s.commit()
        slot = attempt.slots[0]
        spec = slot.question_version.spec
        wrong = next(o for o in spec["options"] if o.get("misconception") == "MULT_OFFBYONE")
        services.save_answer(s, attempt, slot, {"choice": [slot.state["tokens"][wrong["id"]]]})
        services.submit_attempt(s, attempt)
        assert attempt.score == 0
        aid = a.id
    # The teacher decides "50" deserves half credit: fix the bank and regrade.
    from dataclasses import replace

    bank = next(b for b in shipped_banks if b.id == "ice-assaults-500")
    q = next(q for q in bank.questions if q.id == "pct-multiplier")
    options = tuple(
        replace(o, credit=0.5) if o.misconception == "MULT_OFFBYONE" else o for o in q.options
    )
    fixed = replace(
        bank,
        questions=[replace(q, options=options) if x.id == q.id else x for x in bank.questions],
    )
    with session_scope(app) as s:
        services.import_bank(s, fixed)
        changed = services.regrade_assignment(s, s.get(m.Assignment, aid))
        assert changed == 1
        attempt = s.scalars(select(m.Attempt)).one()
        assert attempt.score == 0.5 and attempt.slots[0].question_version.version == 2


# -- teacher pages speak to teachers (issue #17, item 10) -------------------------------------


def _teacher_with_class(app):
    from tests.factories import gen_class, gen_teacher

    with session_scope(app) as s:
        teacher = gen_teacher(s, "lee@school.example")
        klass = gen_class(s, teacher, "9B")
        s.flush()
        class_id = klass.id
    client = app.test_client()
    assert login(client, "lee@school.example").status_code == 303
    return client, class_id


def _own_bank(app, client, title="My own bank"):
    from tests.test_authoring import add_single, new_bank

    bank_id = new_bank(client, title=title)
    assert add_single(client, bank_id).status_code == 303
    return bank_id


def test_no_file_formats_paths_or_commands_on_teacher_pages(app):
    client, class_id = _teacher_with_class(app)
    bank_id = _own_bank(app, client)
    with session_scope(app) as s:
        shipped = s.scalars(select(m.Bank).where(m.Bank.owner_id.is_(None))).first().id
    pages = [
        "/teacher/",
        f"/teacher/classes/{class_id}",
        f"/teacher/classes/{class_id}/assignments/new",
        "/teacher/banks/",
        "/teacher/banks/new",
        f"/teacher/banks/{bank_id}",
        f"/teacher/banks/{shipped}",
        f"/teacher/banks/{bank_id}/questions/new/single",
        f"/teacher/banks/{bank_id}/replace",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        seen = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))  # what is read
        for word in ("YAML", "yaml", "flask ", "README", "question_banks/", "bank check"):
            assert word not in seen, (path, word)
        assert 'href="/teacher/banks/"' in response.get_data(as_text=True), path  # header link
    help_page = client.get("/teacher/banks/help/files").get_data(as_text=True)
    assert "flask --app quiz bank check" in help_page and "question_banks/README.md" in help_page
    assert 'href="/teacher/banks/help/files"' in client.get("/teacher/banks/").get_data(
        as_text=True
    )


def test_copy_is_offered_on_shipped_banks_only(app):
    client, _class_id = _teacher_with_class(app)
    bank_id = _own_bank(app, client)
    with session_scope(app) as s:
        shipped = s.scalars(select(m.Bank).where(m.Bank.owner_id.is_(None))).first().id
    assert "Copy to my banks" not in client.get(f"/teacher/banks/{bank_id}").get_data(as_text=True)
    assert "Copy to my banks" in client.get(f"/teacher/banks/{shipped}").get_data(as_text=True)


def test_the_assignment_title_comes_from_the_bank(app):
    client, class_id = _teacher_with_class(app)
    _own_bank(app, client, "Older bank")
    bank_id = _own_bank(app, client, "Reading a 500% headline")
    url = f"/teacher/classes/{class_id}/assignments/new"
    page = client.get(url).get_data(as_text=True)
    # the newest own bank is chosen, the title left to it
    assert f'<option selected value="{bank_id}">Reading a 500% headline</option>' in page
    assert "Left empty, it is the bank&#39;s title." in page
    data = {
        "csrf_token": csrf(page),
        "title": "",
        "bank": str(bank_id),
        "selection": "all",
        "opens_at": "2020-01-01T08:00",
        "closes_at": "2099-01-01T08:00",
        "attempts_allowed": "1",
        "grading": "highest",
        "feedback": "after_submit",
    }
    response = client.post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with session_scope(app) as s:
        a = s.scalars(select(m.Assignment)).one()
        assert (a.title, a.bank_id) == ("Reading a 500% headline", bank_id)
    # "Assign to 9B" on the bank's page chooses that bank
    bank_page = client.get(f"/teacher/banks/{bank_id}").get_data(as_text=True)
    older = bank_id - 1
    assert f"{url}?bank={bank_id}" in bank_page and "Assign to 9B" in bank_page
    chosen = client.get(f"{url}?bank={older}").get_data(as_text=True)
    assert f'<option selected value="{older}">Older bank</option>' in chosen


def test_times_show_the_school_zone_by_name(app):
    app.config["TIMEZONE"] = "Europe/London"
    client, class_id = _teacher_with_class(app)
    with session_scope(app) as s:
        klass = s.get(m.Klass, class_id)
        bank = s.scalars(select(m.Bank)).first()
        s.add(
            m.Assignment(
                klass=klass,
                bank=bank,
                title="Summer",
                opens_at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
            )
        )
    page = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    assert "opens Wed 01 Jul 2026, 09:00 BST" in page  # 08:00 UTC is 09:00 in London
    assert "Times are in the school's time zone, Europe/London." in page
    form = client.get(f"/teacher/classes/{class_id}/assignments/new").get_data(as_text=True)
    assert "Times are in the school's time zone, Europe/London." in form


def test_the_projector_view_shows_the_code_large_without_script(app):
    client, class_id = _teacher_with_class(app)
    class_page = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    url = f"/teacher/classes/{class_id}/projector"
    assert f'href="{url}"' in class_page
    code = re.search(r'class="join-code">([A-Z0-9-]+)<', class_page).group(1)
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="projector-code">{code}</p>' in page
    assert f'src="/teacher/classes/{class_id}/qr.svg"' in page
    assert "/join" in page and "<script" not in page and "Join 9B" in page
    other, _ = _teacher_with_class_of(app, "other@school.example")
    assert other.get(url).status_code == 404  # another teacher's class


def _teacher_with_class_of(app, email):
    from tests.factories import gen_class, gen_teacher

    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s, email), "Theirs")
        s.flush()
        class_id = klass.id
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client, class_id


def test_setup_names_the_time_zone_and_refuses_a_wrong_one(tmp_path):
    from quiz.store.db import dispose_engines
    from tests.test_cli import SHIPPED_BANKS, _fresh_app

    app = _fresh_app(tmp_path, [str(SHIPPED_BANKS)])
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "school's time zone: UTC (the default)" in result.output
    assert "QUIZ_TIMEZONE=Europe/London" in result.output
    app.config["TIMEZONE"] = "Europe/Lundon"
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 1 and "'Europe/Lundon' is not a time zone name" in result.output
    assert "Traceback" not in result.output
    app.config["TIMEZONE"] = "Europe/Berlin"
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0 and "school's time zone: Europe/Berlin." in result.output
    dispose_engines(app)
