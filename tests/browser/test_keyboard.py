"""The keyboard by hand, in headless Chromium: skip links, a visible focus ring on
everything Tab reaches, the question before the article, and wide tables that scroll
in their own focusable region on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from quiz.store.db import session_scope
from tests import factories
from tests.browser.actions import log_in_teacher
from tests.browser.audit import DESKTOP, PHONE
from tests.browser.classroom import student_attempts

pytestmark = pytest.mark.browser


def _focus_ring(page) -> dict[str, Any]:
    return page.evaluate(
        """() => {
          const el = document.activeElement, cs = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          return {tag: el.tagName, text: (el.innerText || el.name || '').slice(0, 40),
                  outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
                  shadow: cs.boxShadow !== 'none',
                  visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
                           && r.left < innerWidth};
        }"""
    )


def _tab_through(page, presses: int) -> list[dict[str, Any]]:
    """Tab through the page; every focused element must be on screen with a ring."""
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        ring = _focus_ring(page)
        if ring["tag"] == "BODY":
            break
        page.evaluate("document.activeElement.scrollIntoView({block: 'nearest'})")
        ring = _focus_ring(page)
        seen.append(ring)
    assert seen, f"Tab reached nothing on {page.url}"
    bad = [r for r in seen if not (r["outline"] and r["visible"])]
    assert not bad, f"focus not visible on {page.url}: {bad}"
    return seen


def test_keyboard_focus_and_skip_links(browser, live_server, shot):
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    ring = _focus_ring(page)
    assert ring["visible"] and ring["outline"], ring
    box = page.locator("a.skip").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    shot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands inside the main content, past the site's navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")
    assert page.evaluate("document.activeElement.name") == "display_name"

    page.goto(base + "/")
    _tab_through(page, 20)
    page.get_by_label("Your name").first.fill("Kim")
    page.get_by_label("Your name").first.press("Enter")
    page.wait_for_url(re.compile(r"/q/1$"))
    # On a question, the question comes first (issue #17); from the article after it,
    # "Back to the question" jumps back to the question.
    page.keyboard.press("Tab")  # the site's skip link
    for _ in range(120):
        page.keyboard.press("Tab")
        if "skip-inline" in page.evaluate("document.activeElement.className"):
            break
    assert "skip-inline" in page.evaluate("document.activeElement.className"), "never reached"
    assert _focus_ring(page)["outline"]
    shot(page, "skip-article-focused")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#question')")
    page.goto(page.url.split("#")[0])
    seen = _tab_through(page, 80)
    assert any(r["tag"] == "ASIDE" for r in seen), "the scrollable article is focusable"
    shot(page, "question-tabbed")
    context.close()


def test_keyboard_scrolls_wide_tables_on_a_phone(browser, live_server, shot):
    """A table wider than a phone scrolls in its own focusable region, by keyboard."""
    base, app = live_server.url, live_server.app
    with session_scope(app) as s:
        klass = factories.gen_class(s, factories.gen_teacher(s), "9B Media")
        assignment_id, code = factories.gen_assignment(s, klass).id, klass.join_code
    student_attempts(app, assignment_id, code)
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    log_in_teacher(page, base, "teacher@example.org", factories.PASSWORD)
    page.goto(f"{base}/teacher/assignments/{assignment_id}")
    region = page.get_by_role("region", name="Item statistics")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the table fits: no test"
    for _ in range(200):
        page.keyboard.press("Tab")
        if region.evaluate("el => el === document.activeElement"):
            break
    assert region.evaluate("el => el === document.activeElement"), "Tab never reached the table"
    ring = _focus_ring(page)
    assert ring["outline"] and ring["visible"], ring
    shot(page, "table-region-focused")
    page.keyboard.press("ArrowRight")
    for _ in range(20):  # smooth scrolling takes a moment
        if page.evaluate("document.activeElement.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.activeElement.scrollLeft") > 0, "arrow keys scroll the table"
    context.close()
