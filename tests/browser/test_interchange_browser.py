"""A teacher imports a Moodle GIFT file and exports the bank as QTI in headless
Chromium (issue #21): the import page (a broken file first, its problems listed
with their lines, then the corpus), the new bank with what changed and the note
that it has no article yet, and the QTI package downloaded from the bank page.
The pages pass axe's WCAG A/AA checks and work without JavaScript."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from quiz.store.db import session_scope
from tests.browser.actions import log_in_teacher
from tests.browser.test_accessibility import Audit
from tests.factories import PASSWORD, gen_teacher

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data"
XSD = DATA / "qti" / "xsd" / "qtiv2p1" / "imsqti_v2p1.xsd"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_import_gift_then_export_qti(browser, live_server, shot, tmp_path, javascript):
    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        gen_teacher(s, "mover@school.example")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        java_script_enabled=javascript,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    axe = Audit(shot)

    def audit(page, name: str) -> None:
        if javascript:  # axe runs in the page; without JavaScript, a screenshot only
            axe(page, name)
        else:
            shot(page, f"{name}-no-js")

    log_in_teacher(page, base, "mover@school.example", PASSWORD)
    page.goto(base + "/teacher/banks/")
    page.get_by_role("link", name="Import questions").click()
    page.wait_for_url(re.compile(r"/teacher/banks/import$"))
    audit(page, "import-page")

    bad = tmp_path / "bad.gift"
    bad.write_text("::a::Q {~%33.3%x =y}\n\n::b::Essay {}\n", encoding="utf-8")
    page.get_by_label("Moodle GIFT").check()
    page.get_by_label("The file").set_input_files(str(bad))
    page.get_by_role("button", name="Import as a new bank").click()
    alert = page.get_by_role("alert")
    assert "nothing changed" in alert.inner_text()
    assert "bad.gift:1: Grades (0.333) do not match grade options" in alert.inner_text()
    assert "bad.gift:3: question 'b': an essay question" in alert.inner_text()
    audit(page, "import-errors")

    page.get_by_label("The file").set_input_files(str(DATA / "gift" / "features.gift"))
    page.get_by_role("button", name="Import as a new bank").click()
    page.wait_for_url(re.compile(r"/teacher/banks/\d+$"))
    body = page.locator("main").inner_text()
    assert "Imported 21 questions" in body and "no article yet" in body
    assert "became a classify question" in body
    assert page.get_by_role("heading", name="Imported from features").is_visible()
    audit(page, "imported-bank")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("QTI 2.1 package")).click()
    download = info.value
    assert download.suggested_filename.endswith("-qti21.zip")
    data = Path(download.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert (
            "imsmanifest.xml" in names and len([n for n in names if n.startswith("items/")]) == 21
        )
        schema = etree.XMLSchema(etree.parse(str(XSD)))
        item = etree.fromstring(archive.read("items/Q_mc-one.xml"))
        assert schema.validate(item), schema.error_log.last_error
    if javascript:
        axe.assert_clean()
    context.close()
