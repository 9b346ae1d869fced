"""Issue #17, items 1, 2 and 4, through real HTTP (the test client) on SQLite and
PostgreSQL: every way off a question page saves what is on it first (with immediate
feedback as an unchecked draft), the page's background save answers in JSON, the
review page says "incomplete: 2 of 4 labelled", and students read sentences and
misconceptions in words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from quiz import services
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_assignment, gen_class, gen_teacher, join
from tests.helpers import csrf, slot_question, start_practice


def _slots(app, attempt_id: int) -> list[tuple[int, dict[str, Any], Any]]:
    with session_scope(app) as s:
        return [
            (sl.position, sl.state, slot_question(sl)) for sl in s.get(m.Attempt, attempt_id).slots
        ]


def _first(slots, kind: str):
    return next(sl for sl in slots if sl[2].type == kind)


def _post(client, attempt_id: int, n: int, form: dict[str, Any]) -> Any:
    page = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
    return client.post(f"/attempts/{attempt_id}/q/{n}", data={"csrf_token": csrf(page), **form})


def _answers(app, attempt_id: int) -> dict[int, m.Answer]:
    with session_scope(app) as s:
        rows = s.scalars(select(m.Answer).where(m.Answer.attempt_id == attempt_id)).all()
        out = {}
        for a in rows:
            out[a.slot.position] = a
            s.expunge(a)
        return out


def _state(app, attempt_id: int, n: int) -> dict[str, Any]:
    with session_scope(app) as s:
        return next(sl.state for sl in s.get(m.Attempt, attempt_id).slots if sl.position == n)


def _deferred_attempt(app, client) -> int:
    """An assignment with feedback after submitting: answers change until then."""
    with session_scope(app) as s:
        klass = gen_class(s, gen_teacher(s))
        aid, code = gen_assignment(s, klass, feedback=m.FEEDBACK_AFTER_SUBMIT).id, klass.join_code
    join(client, code, "Ada")
    token = csrf(client.get("/join").get_data(as_text=True))
    started = client.post(f"/assignments/{aid}/start", data={"csrf_token": token})
    found = re.search(r"/attempts/(\d+)", started.headers["Location"])
    assert found
    return int(found.group(1))


# -- every way off a question saves first (item 1) -----------------------------------------


@pytest.mark.parametrize(
    ("go", "lands"),
    [("2", "/q/2#question"), ("review", "/review"), ("5", "/q/5#question")],
    ids=["next", "review", "question-list"],
)
def test_deferred_every_way_off_saves_the_answer(app, client, go, lands):
    """Next, the review and a question of the list are submit buttons of the same
    form (``go``): the answer typed on question 1 is saved before leaving (before,
    they were links and it went back to "(not answered)")."""
    attempt_id = _deferred_attempt(app, client)
    n, state, q = _slots(app, attempt_id)[0]
    assert n == 1
    page = client.get(f"/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert f'name="go" value="{go}"' in page
    left = _post(client, attempt_id, 1, {**q.key_form(state), "go": go})
    assert left.status_code == 303 and left.headers["Location"].endswith(lands)
    saved = _answers(app, attempt_id)[1]
    assert saved.fraction == 1.0
    shown = client.get(left.headers["Location"]).get_data(as_text=True)
    assert "Question 1: answer saved." in shown


def test_deferred_previous_saves_and_an_unchanged_answer_just_navigates(app, client):
    attempt_id = _deferred_attempt(app, client)
    _n, state, q = _slots(app, attempt_id)[1]
    back = _post(client, attempt_id, 2, {**q.key_form(state), "go": "1"})
    assert back.headers["Location"].endswith("/q/1#question")
    first = _answers(app, attempt_id)[2]
    # The same answer again, leaving: nothing is written.
    again = _post(client, attempt_id, 2, {**q.key_form(state), "go": "3"})
    assert again.status_code == 303 and again.headers["Location"].endswith("/q/3#question")
    assert _answers(app, attempt_id)[2].updated_at == first.updated_at
    # Nothing ticked (the inputs empty), leaving: the stored answer stands.
    assert _post(client, attempt_id, 2, {"go": "3"}).status_code == 303
    assert _answers(app, attempt_id)[2].response == first.response


def test_an_unreadable_entry_is_not_left_behind(app, client):
    """An entry the question cannot read (5OO) stops the way off: the page comes back
    with the message and the entry, nothing is stored, and no navigation happens."""
    attempt_id = _deferred_attempt(app, client)
    n, _state_, _q = _first(_slots(app, attempt_id), "numeric")
    went = _post(client, attempt_id, n, {"value": "5OO", "go": str(n + 1)})
    assert went.status_code == 422
    page = went.get_data(as_text=True)
    assert 'role="alert"' in page and 'value="5OO"' in page
    assert n not in _answers(app, attempt_id)


def test_an_empty_answer_just_navigates(app, client):
    attempt_id = start_practice(client)
    went = _post(client, attempt_id, 1, {"go": "2"})
    assert went.status_code == 303 and went.headers["Location"].endswith("/q/2#question")
    assert _answers(app, attempt_id) == {}
    assert "draft" not in _state(app, attempt_id, 1)


def test_immediate_feedback_keeps_a_draft_and_restores_it(app, client):
    """In practice a checked answer is final and graded: leaving without checking
    keeps what was given as a draft (in the slot's state, so closing the tab loses
    nothing), shown again on return, not graded unseen."""
    attempt_id = start_practice(client)
    n, state, q = _first(_slots(app, attempt_id), "classify")
    labels = dict(list(q.key_form(state).items())[:2])
    went = _post(client, attempt_id, n, {**labels, "go": "review"})
    assert went.status_code == 303 and went.headers["Location"].endswith("/review")
    assert _answers(app, attempt_id) == {}  # not graded unseen
    kept = {"labels": {k.removeprefix("label-"): v[0] for k, v in labels.items()}}
    assert _state(app, attempt_id, n)["draft"] == kept
    review = client.get(went.headers["Location"]).get_data(as_text=True)
    assert "1 answer is not checked yet" in review
    assert "incomplete: 2 of" in review  # the draft labels two sentences of several
    # Another browser session (the tab closed, the same student back): restored.
    page = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
    assert "Your answer from before is kept here, not checked yet." in page
    assert page.count("checked") - page.count("not checked") >= 2
    assert "disabled" not in page
    # Checking it grades it; the draft no longer matters.
    checked = _post(client, attempt_id, n, q.key_form(state))
    assert checked.headers["Location"].endswith(f"#feedback-{n}")
    assert _answers(app, attempt_id)[n].fraction == 1.0


def test_a_draft_is_marked_when_the_attempt_is_submitted(app, client):
    """Submitting with an unchecked draft marks it as it stands: nothing given is
    dropped (the issue's student tapped "Review and submit" and lost two labels)."""
    attempt_id = start_practice(client)
    n, state, q = _first(_slots(app, attempt_id), "single")
    _post(client, attempt_id, n, {**q.key_form(state), "go": "review"})
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    done = client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf(review)})
    assert done.status_code == 303
    answers = _answers(app, attempt_id)
    assert list(answers) == [n] and answers[n].fraction == 1.0
    with session_scope(app) as s:
        assert s.get(m.Attempt, attempt_id).score == answers[n].points


def test_leaving_a_checked_question_changes_nothing(app, client):
    attempt_id = start_practice(client)
    n, state, q = _first(_slots(app, attempt_id), "single")
    _post(client, attempt_id, n, q.key_form(state))
    page = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
    assert "disabled" in page and 'class="next">Next question' in page
    went = _post(client, attempt_id, n, {"go": str(n + 1)})
    assert went.status_code == 303
    assert "draft" not in _state(app, attempt_id, n)


def test_background_save_answers_in_json(app, client):
    """The page's script saves on change (autosave=1) and shows the reply."""
    attempt_id = _deferred_attempt(app, client)
    n, state, q = _slots(app, attempt_id)[0]
    saved = _post(client, attempt_id, n, {**q.key_form(state), "autosave": "1"})
    assert saved.status_code == 200 and saved.json == {
        "status": "saved",
        "message": "Answer saved.",
    }
    assert _answers(app, attempt_id)[n].fraction == 1.0
    assert _post(client, attempt_id, n, {"autosave": "1"}).json["status"] == "unchanged"
    num, _s, _q = _first(_slots(app, attempt_id), "numeric")
    bad = _post(client, attempt_id, num, {"value": "5OO", "autosave": "1"})
    assert bad.status_code == 422 and bad.json["status"] == "error"
    assert bad.json["message"].startswith("Not saved:")

    practice = app.test_client()
    other = start_practice(practice, "Bo")
    pn, pstate, pq = _first(_slots(app, other), "single")
    draft = _post(practice, other, pn, {**pq.key_form(pstate), "autosave": "1"})
    assert draft.json["status"] == "draft"
    assert _answers(app, other) == {} and _state(app, other, pn)["draft"]
    assert _post(practice, other, pn + 1, {"autosave": "1"}).json["status"] == "empty"


def test_background_save_after_hand_in_says_where_to_go(app, client):
    attempt_id = start_practice(client)
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf(review)})
    late = client.post(
        f"/attempts/{attempt_id}/q/1", data={"csrf_token": csrf(review), "autosave": "1"}
    )
    assert late.status_code == 409 and late.json["redirect"].endswith("/results")
    went = client.post(f"/attempts/{attempt_id}/q/1", data={"csrf_token": csrf(review), "go": "2"})
    assert went.status_code == 302 and went.headers["Location"].endswith("/results")


@pytest.mark.parametrize(
    "go",
    ["0", "99999", "-1", "../review", "1e3", "２", "review\x00", "x" * 5000, "\u202e2", ""],
)
def test_hostile_destinations_are_a_plain_save(app, client, go):
    """A ``go`` the page never offers is no way off: the answer is saved as by the
    main button (or asked for), never a redirect elsewhere, never a 5xx."""
    attempt_id = _deferred_attempt(app, client)
    n, state, q = _slots(app, attempt_id)[0]
    went = _post(client, attempt_id, n, {**q.key_form(state), "go": go})
    assert went.status_code == 303
    assert went.headers["Location"].endswith("/q/2#question")
    assert _answers(app, attempt_id)[n].fraction == 1.0
    empty = _post(client, attempt_id, 2, {"go": go})
    assert empty.status_code == 422
    assert "Please answer the question before saving." in empty.get_data(as_text=True)


def test_question_list_buttons_belong_to_the_form_until_submitted(app, client):
    attempt_id = start_practice(client)
    page = client.get(f"/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert 'form="question" name="go" value="3"' in page
    assert 'form="question" name="go" value="review"' in page
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf(review)})
    page = client.get(f"/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert 'name="go"' not in page and '<a href="3"' in page


# -- incomplete is not answered (item 2) -----------------------------------------------------


def test_review_says_incomplete_for_a_half_labelled_classify(app, client):
    attempt_id = _deferred_attempt(app, client)
    n, state, q = _first(_slots(app, attempt_id), "classify")
    total = len(q.sentences)
    two = dict(list(q.key_form(state).items())[:2])
    assert _post(client, attempt_id, n, two).status_code == 303
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "1 answer is incomplete" in review
    assert f"Question {n}</a>: incomplete: 2 of {total} labelled" in review
    assert "Every question has an answer" not in review
    # The question list says so too, on every question page (the words are kept in
    # the answer's grade, and a flag in its own column, which the page's one query
    # reads without parsing the grade).
    assert _answers(app, attempt_id)[n].grade["incomplete"] == f"2 of {total} labelled"
    assert _answers(app, attempt_id)[n].incomplete is True
    page = client.get(f"/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert f'value="{n}" class="qlink partial">{n}<span class="visually-hidden"> (incomplete)' in (
        page
    )
    # Completed, it is no longer listed.
    assert _post(client, attempt_id, n, q.key_form(state)).status_code == 303
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "incomplete" not in review
    assert "incomplete" not in _answers(app, attempt_id)[n].grade
    assert _answers(app, attempt_id)[n].incomplete is False
    page = client.get(f"/attempts/{attempt_id}/q/1").get_data(as_text=True)
    assert f'value="{n}" class="qlink done">{n}<span class="visually-hidden"> (answered)' in page


# -- words, not ids (item 4) ---------------------------------------------------------------


def test_results_show_sentences_and_misconceptions_in_words(app, client):
    attempt_id = start_practice(client)
    slots = _slots(app, attempt_id)
    n, state, q = _first(slots, "classify")
    form, code = q.misconception_form(state)
    _post(client, attempt_id, n, form)
    h, hstate, hq = _first(slots, "highlight")
    _post(client, attempt_id, h, hq.key_form(hstate))
    feedback = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
    with session_scope(app) as s:
        bank = s.get(m.Attempt, attempt_id).bank
        catalogue = dict(bank.misconceptions)
        # A code the bank never defined (a bank edited since, say) reads as words.
        bank.misconceptions = {k: v for k, v in catalogue.items() if k != code}
    assert catalogue[code].split("'")[0] in feedback and code not in feedback
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf(review)})
    results = client.get(f"/attempts/{attempt_id}/results").get_data(as_text=True)
    words = code.replace("_", " ").lower().capitalize()
    assert words in results and code not in results
    answers = _answers(app, attempt_id)
    article = services.article_of
    with session_scope(app) as s:
        art = article(s.get(m.Attempt, attempt_id).article)
    said = re.search(r"<strong>Your answer:</strong> (.*?)</p>", results, re.S)
    assert said
    for sid in answers[n].response["labels"]:
        assert f">{sid}" not in results and f" {sid}:" not in results
        assert art.sentence(sid).text.split()[0] in results
    for sid in answers[h].response["sentences"]:
        assert sid not in said.group(0)
    # The CSV keeps the ids beside: the stored summary is unchanged.
    assert re.match(r"p\d+-s\d+: ", answers[n].summary)


def test_the_sentences_a_question_quotes_are_shown_with_it(app, client, monkeypatch):
    """On a phone the article is below the question: the sentences the prompt quotes
    (Question.refers_to) are shown with the question, linked to their place."""
    import quiz.student.rendering
    from quiz.questions.single import Single

    monkeypatch.setattr(quiz.student.rendering, "_quoted", {})
    monkeypatch.setattr(Single, "refers_to", lambda self, article: (article.sentences[2],))
    attempt_id = start_practice(client)
    n, _state_, _q = _first(_slots(app, attempt_id), "single")
    page = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
    with session_scope(app) as s:
        sentence = services.article_of(s.get(m.Attempt, attempt_id).article).sentences[2]
    quoted = re.search(r'<div class="quoted">(.*?)</div>', page, re.S)
    assert quoted and "From the article:" in quoted.group(1)
    assert f'href="#{sentence.id}"' in quoted.group(1)
    assert f"paragraph {sentence.paragraph}" in quoted.group(1)
    assert sentence.text.split()[0] in quoted.group(1)


@pytest.mark.parametrize(
    "typed", ["6\x00x", "<script>alert(1)</script>", "６×", "x" * 10_000, "'; DROP TABLE answer;--"]
)
def test_hostile_typed_drafts_are_kept_safely(app, client, typed):
    """What a student types and leaves unchecked goes into the slot's state: NUL is
    removed (PostgreSQL's text refuses it), markup shows escaped, nothing is a 5xx;
    an entry the question cannot read is asked again instead of kept."""
    attempt_id = start_practice(client)
    for kind, field in (("text", "text"), ("numeric", "value")):
        n, _state_, _q = _first(_slots(app, attempt_id), kind)
        went = _post(client, attempt_id, n, {field: typed, "go": "review"})
        assert went.status_code in (303, 422), went.status_code
        page = client.get(f"/attempts/{attempt_id}/q/{n}").get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page
        draft = _state(app, attempt_id, n).get("draft")
        if went.status_code == 303:
            assert draft and "\x00" not in str(draft)
        else:
            assert draft is None
    assert _answers(app, attempt_id) == {}
