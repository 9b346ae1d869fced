"""The results page on a phone, in headless Chromium: every student's score on the
first screen without scrolling sideways (the name column stays put when the table
scrolls), and chart text at least 12 CSS pixels tall at any width."""

from __future__ import annotations

from typing import Any

import pytest

from quiz.reports.charts import MIN_FONT
from quiz.store.db import session_scope
from tests import factories
from tests.browser.actions import log_in_teacher
from tests.factories_results import add_student, load_bank, make_assignment, take_attempt

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
STUDENTS = [
    ("Ada", {"q-single": "right", "q-classify": "right", "q-text": "right"}),
    ("Bartholomew Featherstonehaugh-Winterbottom", {"q-single": "wrong", "q-classify": "half"}),
    ("Chen", {"q-single": "right", "q-classify": "half", "q-text": "wrong"}),
    ("Dolores", {"q-single": "wrong"}),
    ("Émile", {"q-single": "right", "q-classify": "right"}),
]

# The size text is drawn at on the screen: its computed font size times the scale
# from its SVG's user units to CSS pixels (1 without a viewBox; about 0.5 for a
# 640-unit viewBox on a phone, which is what made labels 6 px tall).
TEXT_SIZES_JS = """() => [...document.querySelectorAll("svg.chart text")].map(t => {
  const box = t.getBoundingClientRect(), svg = t.ownerSVGElement.getBoundingClientRect();
  return {
    text: t.textContent,
    px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
    height: box.height,
    inside: box.left >= svg.left - 1 && box.right <= svg.right + 1,
  };
})"""
# Text drawn beside each other (a histogram's axis labels) must not overlap.
OVERLAPS_JS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll("svg.chart")) {
    const boxes = [...svg.querySelectorAll("text")]
      .map(t => [t.textContent, t.getBoundingClientRect()]);
    boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
      const apart = p.right <= q.left || q.right <= p.left
        || p.bottom <= q.top || q.bottom <= p.top;
      if (!apart) out.push([a, b]);
    }));
  }
  return out;
}"""


def _results(live_server: Any) -> str:
    """A class of five who submitted, one with a very long name; the results' URL."""
    with session_scope(live_server.app) as session:
        teacher = factories.gen_teacher(session, "phone@school.example")
        klass = factories.gen_class(session, teacher, "9B Media")
        assignment = make_assignment(session, klass, load_bank(session), title="Percent check")
        for name, answers in STUDENTS:
            take_attempt(session, add_student(session, klass, name), assignment, 1, answers)
        return f"{live_server.url}/teacher/assignments/{assignment.id}"


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box


def test_a_phone_shows_every_score_and_readable_charts(browser, live_server, shot) -> None:
    url = _results(live_server)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in_teacher(page, live_server.url, "phone@school.example", factories.PASSWORD)
    page.goto(url)
    shot(page, "results-phone")

    width, height = PHONE["width"], PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways page
    header = _box(page.locator("#students thead th.score"))
    assert header["x"] >= 0 and header["x"] + header["width"] <= width
    assert header["y"] + header["height"] <= height  # on the first screen
    scores = page.locator("#students tbody td.score")
    assert scores.count() == len(STUDENTS)
    first = _box(scores.first)
    assert first["y"] + first["height"] <= height  # the first score on the first screen
    for n in range(scores.count()):  # and no score needs a sideways scroll
        box = _box(scores.nth(n))
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (n, box)
    assert all("%" in text for text in scores.all_inner_texts())
    names = " | ".join(page.locator("#students tbody th[scope=row]").all_inner_texts())
    assert all(name in names for name, _answers in STUDENTS), names

    # The table scrolls sideways for the skills; the names stay in view.
    name = page.locator("#students tbody th[scope=row]").first
    before = _box(name)["x"]
    scrolled = page.evaluate(
        """() => { const w = document.querySelector('#students .table-wrap');
                   w.scrollLeft = 400; return w.scrollLeft; }"""
    )
    assert scrolled > 0
    assert abs(_box(name)["x"] - before) < 1

    sizes: list[dict[str, Any]] = []
    for viewport_width in (320, 375, 1280):
        page.set_viewport_size({"width": viewport_width, "height": height})
        measured = page.evaluate(TEXT_SIZES_JS)
        assert measured, "no chart text"
        sizes += measured
        outside = [m["text"] for m in measured if not m["inside"]]
        assert not outside, (viewport_width, outside)  # nothing cut off at the edge
        assert page.evaluate(OVERLAPS_JS) == [], viewport_width
    # On a wide screen the whole table fits: nothing to scroll.
    wrap = "document.querySelector('#students .table-wrap')"
    assert page.evaluate(f"{wrap}.scrollWidth <= {wrap}.clientWidth")
    shot(page, "results-desktop")
    small = [s for s in sizes if s["px"] < MIN_FONT or s["height"] < MIN_FONT]
    assert not small, small[:5]
    assert MIN_FONT >= 12
    context.close()
