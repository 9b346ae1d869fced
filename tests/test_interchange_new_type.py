"""A question type the exporters do not know (a 7th type added to quiz/questions) is left
out of every export with the reason, never failing the whole bank: QTI, GIFT and the
spreadsheet layouts, through their functions, the commands and the bank page's routes."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from click.testing import CliRunner

from quiz.domain.banks import LoadedBank, parse_bank
from quiz.interchange import gift, qti, sheets
from quiz.interchange.cli import export_qti_command
from quiz.questions.base import Question
from quiz.store.db import session_scope
from tests.conftest import SHIPPED_BANKS
from tests.factories import shipped_bank
from tests.test_authoring import author

SHIPPED = SHIPPED_BANKS / "ice-assaults-500.yaml"


@dataclass(frozen=True)
class Poll(Question):
    """A throwaway type: no exporter has a mapping for it."""

    type = "poll"

    def spec_fields(self) -> dict[str, Any]:
        return {"choices": ["yes", "no"]}


POLL = Poll(
    id="q-poll", skill="percent", prompt="Did you read it?", explanation="", points=1, shuffle=False
)
REASON_QTI = "question q-poll (poll): QTI export has no item for this type"


def _with_poll(bank: LoadedBank) -> LoadedBank:
    bank.questions.insert(1, POLL)
    return bank


def _shipped_with_poll() -> LoadedBank:
    bank, errors = parse_bank(SHIPPED.read_text(), "ice.yaml")
    assert bank is not None, errors
    return _with_poll(bank)


def test_qti_leaves_the_unknown_type_out_with_the_reason():
    bank = _shipped_with_poll()
    data, skipped = qti.export_qti(bank)
    assert skipped == [REASON_QTI]
    files, _ = qti.package_files(bank)
    items = sorted(n for n in files if n.startswith("items/"))
    assert len(items) == len(bank.questions) - 1
    assert "items/Q_q-poll.xml" not in files
    assert b"Q_q-poll" not in files["imsmanifest.xml"]
    assert b"Q_q-poll" not in files["assessment.xml"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == set(files)


def test_qti_item_of_an_unknown_type_says_so():
    try:
        qti.item_xml(POLL, _shipped_with_poll())
    except qti.NoItem as e:
        assert str(e) == "no QTI item for poll"
    else:
        raise AssertionError("an item was built for a type QTI does not know")


def test_gift_leaves_the_unknown_type_out_with_the_reason():
    text, skipped = gift.export_gift(_shipped_with_poll())
    assert "question q-poll (poll): GIFT has no poll question" in skipped
    assert "::q-poll::" not in text
    # the types of ours GIFT cannot carry keep their reasons
    assert any(
        s.endswith("(highlight): GIFT has no question that selects sentences in an article")
        for s in skipped
    )


def test_sheets_leave_the_unknown_type_out_with_the_reason():
    for layout in ("kahoot", "wayground"):
        data, skipped = sheets.export_sheet(_shipped_with_poll(), layout, "csv")
        assert "question q-poll (poll): the layout holds choice questions only" in skipped
        assert "Did you read it?" not in data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and all(r["Question Text"] != "Did you read it?" for r in rows)


def test_export_qti_command_lists_what_it_left_out(tmp_path, monkeypatch):
    def load(path: str) -> LoadedBank:
        return _shipped_with_poll()

    monkeypatch.setattr("quiz.interchange.cli.load_bank_file", load)
    out = tmp_path / "o.zip"
    result = CliRunner().invoke(export_qti_command, [str(SHIPPED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"not exported: {REASON_QTI}" in result.stderr
    assert f"{out}: 42 items, 45 files." in result.stderr


def test_the_bank_page_exports_a_bank_with_an_unknown_type(app, client, monkeypatch):
    from quiz.authoring import interchange_views

    parse = interchange_views.parse_bank_data

    def with_poll(*args: Any, **kwargs: Any) -> Any:
        bank, errors = parse(*args, **kwargs)
        return _with_poll(bank), errors

    monkeypatch.setattr(interchange_views, "parse_bank_data", with_poll)
    author(app, client)
    with session_scope(app) as s:
        bank_id = shipped_bank(s).id
    zipped = client.get(f"/teacher/banks/{bank_id}/export-qti.zip")
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.get_data())) as archive:
        names = archive.namelist()
    assert "imsmanifest.xml" in names and "items/Q_q-poll.xml" not in names
    assert len([n for n in names if n.startswith("items/")]) == 42
    text = client.get(f"/teacher/banks/{bank_id}/export.gift").get_data(as_text=True)
    assert "// not exported: question q-poll (poll)\\: GIFT has no poll question" in text
    sheet = client.get(f"/teacher/banks/{bank_id}/export-wayground.csv").get_data()
    assert sheet.startswith(b"\xef\xbb\xbfQuestion Text,") and b"Did you read it?" not in sheet
