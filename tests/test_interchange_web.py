"""Banks in and out on the authoring pages (issue #21): a GIFT file or a spreadsheet
uploaded becomes a new bank of the teacher's; a broken one changes nothing and lists
every problem with its line or row; a bank exports as GIFT, QTI and spreadsheets."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from quiz.interchange import gift
from quiz.store import models as m
from quiz.store.db import session_scope
from tests.factories import shipped_bank
from tests.helpers import csrf
from tests.test_authoring import author, bank_specs, counts, text_of

DATA = Path(__file__).parent / "data"
PAGE = "/teacher/banks/import"


def _post(client, data: bytes, name: str, kind: str = "gift", skip: bool = False):
    token = csrf(client.get(PAGE).get_data(as_text=True))
    boundary = "----interchange-test-boundary"
    fields = {"csrf_token": token, "kind": kind, **({"skip_unsupported": "y"} if skip else {})}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(PAGE, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_the_banks_page_links_to_the_import_page_with_an_accessible_form(app, client):
    author(app, client)
    assert PAGE in text_of(client.get("/teacher/banks/"))
    page = text_of(client.get(PAGE))
    assert "<legend>What kind of file</legend>" in page
    assert 'name="csrf_token"' in page and 'for="file"' in page


def test_a_gift_file_becomes_a_bank_of_mine_with_notes(app, client):
    teacher_id = author(app, client)
    response = _post(client, (DATA / "gift" / "features.gift").read_bytes(), "features.gift")
    assert response.status_code == 303, text_of(response)
    bank_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with session_scope(app) as s:
        bank = s.get(m.Bank, bank_id)
        assert bank.owner_id == teacher_id
    specs = bank_specs(app, bank_id)
    assert len(specs) == 21 and specs[0]["id"] == "mc-one"
    page = text_of(client.get(response.headers["Location"]))
    assert "Imported 21 questions" in page and "no article yet" in page
    assert "became a classify question" in page


def test_a_broken_gift_file_changes_nothing_and_lists_every_problem(app, client):
    author(app, client)
    before = counts(app)
    bad = b"::a::Q {~%33.3%x =y}\n\n::b::Q {=x {y} ~z}\n\n::c::Essay {}\n"
    response = _post(client, bad, "bad.gift")
    assert response.status_code == 422
    page = text_of(response)
    assert "bad.gift:1: Grades (0.333) do not match grade options" in page
    assert "bad.gift:3: an unescaped {" in page
    assert counts(app) == before


def test_unsupported_questions_need_the_box_ticked(app, client):
    author(app, client)
    text = (DATA / "gift" / "unsupported.gift").read_bytes()
    refused = _post(client, text, "u.gift")
    assert refused.status_code == 422 and "u.gift:3: question 'essay'" in text_of(refused)
    accepted = _post(client, text, "u.gift", skip=True)
    assert accepted.status_code == 303
    page = text_of(client.get(accepted.headers["Location"]))
    assert "Imported 1 questions" in page
    assert "u.gift:3: question 'essay': an essay question" in page
    assert "u.gift:1: question 'desc': a description" in page


def test_a_spreadsheet_becomes_a_bank_and_a_bad_one_names_its_row(app, client):
    author(app, client)
    response = _post(client, (DATA / "sheets" / "kahoot.csv").read_bytes(), "k.csv", "sheet")
    assert response.status_code == 303, text_of(response)
    bank_id = int(response.headers["Location"].rsplit("/", 1)[1])
    specs = bank_specs(app, bank_id)
    assert [(q["id"], q["type"]) for q in specs] == [
        ("row-9", "single"),
        ("row-10", "multiple"),
        ("row-11", "single"),
    ]
    before = counts(app)
    bad = b"Question Text,Question Type,Option 1,Option 2,Correct Answer\nQ?,,a,b,7\n"
    response = _post(client, bad, "w.csv", "sheet")
    assert response.status_code == 422
    assert "w.csv: row 2: correct answer: answer 7 is empty" in text_of(response)
    assert counts(app) == before


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe\x00\x01", b"PK\x03\x04broken zip", b"a" * 900_000])
def test_hostile_uploads_are_refused_beside_the_form_never_a_500(app, client, raw):
    author(app, client)
    before = counts(app)
    for kind in ("gift", "sheet"):
        response = _post(client, raw, "x.bin", kind)
        assert response.status_code == 422
        assert "x.bin:" in text_of(response)  # the problem, named with the file, on the page
    assert counts(app) == before


def test_an_upload_over_the_request_limit_is_413_not_a_500(app, client):
    author(app, client)
    response = _post(client, b"a" * (1024 * 1024 + 10), "big.gift")
    assert response.status_code == 413 and "Traceback" not in text_of(response)


def test_no_file_and_no_csrf(app, client):
    author(app, client)
    response = _post(client, b"", "")
    assert response.status_code == 422 and "Choose a file to import." in text_of(response)
    assert client.post(PAGE, data={"kind": "gift"}).status_code == 400


def test_the_bank_page_exports_gift_qti_and_spreadsheets(app, client):
    author(app, client)
    with session_scope(app) as s:
        bank_id = shipped_bank(s).id
    page = text_of(client.get(f"/teacher/banks/{bank_id}"))
    for link in ("export.gift", "export-qti.zip", "export-kahoot.xlsx", "export-wayground.xlsx"):
        assert f"/teacher/banks/{bank_id}/{link}" in page
    exported = client.get(f"/teacher/banks/{bank_id}/export.gift")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    text = exported.get_data(as_text=True)
    assert text.startswith("// not exported: question")
    assert gift.import_gift(text.encode(), "x.gift")[1].errors == []
    qti = client.get(f"/teacher/banks/{bank_id}/export-qti.zip")
    with zipfile.ZipFile(io.BytesIO(qti.get_data())) as archive:
        assert "imsmanifest.xml" in archive.namelist()
    sheet = client.get(f"/teacher/banks/{bank_id}/export-kahoot.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(sheet.get_data())).active.max_row > 8
    csv = client.get(f"/teacher/banks/{bank_id}/export-wayground.csv")
    assert csv.get_data().startswith(b"\xef\xbb\xbfQuestion Text,")
    assert client.get(f"/teacher/banks/{bank_id}/export-other.xlsx").status_code == 404


def test_another_teachers_bank_is_not_exported(app, client):
    author(app, client, "one@example.org")
    response = _post(client, b"::a::Q {T}", "a.gift")
    bank_id = int(response.headers["Location"].rsplit("/", 1)[1])
    other = app.test_client()
    author(app, other, "two@example.org")
    assert other.get(f"/teacher/banks/{bank_id}/export.gift").status_code == 404


def test_the_bank_page_says_what_each_export_leaves_out(app, client):
    """Beside each export: how many of the bank's questions it carries, and why each
    other one is left out (a Kahoot sheet holds choice questions of four options)."""
    from markupsafe import escape

    from quiz.authoring.dump import stored_document
    from quiz.domain.banks import parse_bank_data
    from quiz.interchange import qti, sheets

    author(app, client)
    with session_scope(app) as s:
        bank = shipped_bank(s)
        bank_id = bank.id
        loaded, _ = parse_bank_data(stored_document(s, bank), "form")
    assert loaded is not None
    total = len(loaded.questions)
    expected = {
        "Moodle GIFT": gift.export_gift(loaded)[1],
        "QTI 2.1 package (Canvas, Blackboard…)": qti.package_files(loaded)[1],
        "Kahoot spreadsheet": sheets.export_rows(loaded, "kahoot")[1],
        "Wayground spreadsheet": sheets.export_rows(loaded, "wayground")[1],
    }
    assert expected["Kahoot spreadsheet"]  # the shipped bank has numeric questions
    for _round in range(2):  # the second time from what the first kept
        page = client.get(f"/teacher/banks/{bank_id}").get_data(as_text=True)
        for name, left_out in expected.items():
            shown = page[page.index(f">{name}</a>") :][:400]
            assert f"({total - len(left_out)} of {total} questions)" in shown, name
            if left_out:
                assert f"leaves out ({len(left_out)})" in shown
                assert all(str(escape(reason)) in page for reason in left_out[:30])


def test_a_bank_that_no_longer_validates_has_no_export_notes():
    """The bank page then says it cannot be exported (the exports would refuse it)."""
    from quiz.authoring import quality
    from quiz.authoring.interchange_views import export_notes

    loaded, errors = quality.parsed({"title": "x", "questions": [{"id": "q", "type": "nothing"}]})
    assert loaded is None and errors
    assert export_notes(m.Bank(id=1, slug="x", sha256="0" * 64), loaded) == []


def test_an_export_that_fails_is_said_and_the_bank_page_still_shows(app, client, monkeypatch):
    from quiz.authoring import interchange_views as views
    from quiz.interchange.qti import package

    def broken(bank):
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(package, "package_files", broken)
    monkeypatch.setattr(views.qti, "package_files", broken)
    monkeypatch.setattr(views, "_left_out", {})
    author(app, client)
    with session_scope(app) as s:
        bank_id = shipped_bank(s).id
    page = client.get(f"/teacher/banks/{bank_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    shown = text[text.index(">QTI 2.1 package (Canvas, Blackboard…)</a>") :][:600]
    assert "(0 of 42 questions)" in shown and "This export could not be built" in shown
    assert ">Kahoot spreadsheet</a>" in text
