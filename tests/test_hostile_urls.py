"""Every rule of ``app.url_map``, walked as a stranger, a student, the owning teacher
and another teacher, with real ids and with 0, -1, 2**63, 2**64 and a word, by GET
and by POST (with a valid CSRF token): never a 5xx, never another owner's data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, Rule

from quiz.authoring import operations as ops
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import gen_assignment, gen_class, gen_teacher, join, login, shipped_bank
from tests.helpers import csrf

HOSTILE_IDS = ["0", "-1", str(2**31), str(2**63 - 1), str(2**63), str(2**64), "word"]
# What only the first teacher's side holds: no one else may see it.
MARKS_T1 = ["Ferret Class", "Zebediah Quux", "owner@example.org", "Hidden Ferret Bank"]
# The first teacher's other student: the student prober may not see them either.
MARKS_CLASSMATE = ["Quentin Classmate"]
MARKS_T2 = ["Otter Class", "Ottoline Snoop", "other@example.org"]


@dataclass
class World:
    ids: dict[str, int]
    words: dict[str, str]
    clients: dict[str, FlaskClient] = field(default_factory=dict)


def _world(app: Flask) -> World:
    with session_scope(app) as s:
        t1 = gen_teacher(s, "owner@example.org")
        t1.display_name = "Owner Teacher"
        t2 = gen_teacher(s, "other@example.org")
        k1 = gen_class(s, t1, "Ferret Class")
        k2 = gen_class(s, t2, "Otter Class")
        a1 = gen_assignment(s, k1, title="Ferret homework")
        gen_assignment(s, k2, title="Otter homework")
        bank = ops.copy_bank(s, t1, shipped_bank(s))
        bank.title = "Hidden Ferret Bank"
        key = s.scalars(select(m.Question.key).where(m.Question.bank_id == bank.id)).first()
        ids = {"class": k1.id, "assignment": a1.id, "bank": bank.id}
        codes = {"k1": k1.join_code, "k2": k2.join_code}
        words = {"key": key or "q1", "code": k1.join_code}
    clients = {name: app.test_client() for name in ("anonymous", "student", "owner", "other")}
    assert login(clients["owner"], "owner@example.org").status_code in (302, 303)
    assert login(clients["other"], "other@example.org").status_code in (302, 303)
    assert join(clients["student"], codes["k1"], "Zebediah Quux").status_code == 303
    assert join(app.test_client(), codes["k1"], "Quentin Classmate").status_code == 303
    assert join(app.test_client(), codes["k2"], "Ottoline Snoop").status_code == 303
    me = clients["student"].get("/me").get_data(as_text=True)
    started = clients["student"].post(
        f"/assignments/{ids['assignment']}/start", data={"csrf_token": csrf(me)}
    )
    found = re.search(r"/attempts/(\d+)", started.headers.get("Location", ""))
    assert found, started.status_code
    ids["attempt"] = int(found.group(1))
    with session_scope(app) as s:
        student = s.scalars(
            select(m.Student).where(m.Student.display_name == "Zebediah Quux")
        ).one()
        ids["student"] = student.id
    return World(ids=ids, words=words, clients=clients)


_ID_KIND = {
    "class_id": "class",
    "assignment_id": "assignment",
    "attempt_id": "attempt",
    "student_id": "student",
    "bank_id": "bank",
}


def _word_for(rule: Rule, name: str, world: World) -> str:
    return {
        "slug": "ice-assaults-500",
        "code": world.words["code"],
        "key": world.words["key"],
        "qtype": "single",
        "kind": "info",
        "filename": "quiz.css",
    }.get(name, "word")


def _urls(rule: Rule, world: World) -> list[tuple[str, bool]]:
    """(url, uses the owner's real ids) for each way of filling ``rule``."""
    converters = rule._converters  # werkzeug keeps them here
    ints = [n for n, c in converters.items() if isinstance(c, IntegerConverter)]
    base: dict[str, str] = {}
    for name in rule.arguments:
        if name in ints:
            base[name] = str(world.ids.get(_ID_KIND.get(name, ""), 1))
        else:
            base[name] = _word_for(rule, name, world)

    def build(values: dict[str, str]) -> str:
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda mt: values[mt.group(1)], rule.rule)

    out = [(build(base), True)]
    for bad in HOSTILE_IDS:
        for name in ints:
            out.append((build({**base, name: bad}), False))
    return out


def _walk(app: Flask) -> list[str]:
    world = _world(app)
    tokens = {
        name: csrf(client.get("/join" if name != "owner" else "/teacher/").get_data(as_text=True))
        for name, client in world.clients.items()
    }
    seen_5xx: list[str] = []
    leaks: list[str] = []
    statuses: dict[int, int] = {}
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    for client_name in ("anonymous", "student", "other", "owner"):
        client = world.clients[client_name]
        marks = (
            MARKS_T1 + MARKS_T2
            if client_name == "anonymous"
            else MARKS_T1
            if client_name == "other"
            else MARKS_CLASSMATE + MARKS_T2
            if client_name == "student"
            else MARKS_T2
        )
        for rule in rules:
            if rule.endpoint in ("auth.logout", "auth.logout_everywhere", "static", "readyz"):
                continue  # logging out ends the walk; readyz is 503 on a test schema
            for url, real in _urls(rule, world):
                methods = [x for x in ("GET", "POST") if x in (rule.methods or ())]
                for method in methods:
                    if client_name == "owner" and method == "POST" and real:
                        continue  # the owner's own forms, sent empty, could delete things
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, data={"csrf_token": tokens[client_name]})
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    where = f"{client_name} {method} {url} -> {response.status_code}"
                    if response.status_code >= 500:
                        seen_5xx.append(where)
                        continue
                    body = response.get_data().decode(errors="replace")
                    leaks += [f"{where}: {mark!r}" for mark in marks if mark in body]
    assert not leaks, "\n".join(leaks)
    assert statuses.get(200, 0) > 40 and statuses.get(404, 0) > 1000, statuses
    return seen_5xx


def test_every_rule_with_every_id_as_everyone(app: Flask) -> None:
    seen_5xx = _walk(app)
    assert seen_5xx == [], f"{len(seen_5xx)} responses were 5xx:\n" + "\n".join(seen_5xx)


HUGE = ["/attempts/99999999999999999999/q/1", "/teacher/banks/9223372036854775808"]


def test_ids_out_of_range_are_a_plain_404(app: Flask) -> None:
    with session_scope(app) as s:
        gen_teacher(s)
    teacher = app.test_client()
    assert login(teacher).status_code in (302, 303)
    urls = [*HUGE, f"/teacher/classes/{2**64}", f"/teacher/students/{2**31}", "/attempts/-1"]
    urls.append("/attempts/" + "9" * 5000)  # past Python's 4,300-digit int limit
    for client in (app.test_client(), teacher):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Page not found" in response.get_data(as_text=True)


def test_the_bank_download_names_its_charset(app: Flask) -> None:
    with session_scope(app) as s:
        gen_teacher(s)
        bank = shipped_bank(s)
        bank_id = bank.id
        questions = len([q for q in bank.questions if not q.retired])
    client = app.test_client()
    assert login(client).status_code in (302, 303)
    response = client.get(f"/teacher/banks/{bank_id}/download.yaml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/yaml; charset=utf-8"
    # and the file is the bank, its curly quotes intact in UTF-8
    downloaded = yaml.safe_load(response.get_data().decode("utf-8"))
    assert downloaded["title"] == "Reading a “500% rise” headline"
    assert len(downloaded["questions"]) == questions > 0
