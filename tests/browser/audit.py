"""axe-core on a page in headless Chromium, for the browser tests: WCAG 2.0/2.1 A and
AA, what axe cannot decide counted too (colour contrast excepted: checked by hand),
and reflow (nothing scrolls sideways). ``Audit`` collects what it finds over a test's
pages; ``assert_clean`` fails the test with the list.

axe-core comes from the PyPI package axe-playwright-python, which bundles its
``axe.min.js``: no CDN, nothing fetched at test time. Imports nothing of the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations", "incomplete"],
}
# What axe cannot decide ("needs review") fails too, except colour contrast: that is
# undecidable for the SVG charts' text and the ✓/✗ glyphs, checked by hand instead.
REVIEWED_BY_HAND = {"color-contrast"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


# For the report: the outermost elements that reach past the viewport's right edge
# and are not clipped by a scrolling box of their own (such as a .table-wrap).
WIDEST_JS = """() => {
  const w = document.documentElement.clientWidth, out = [];
  const clipped = (el) => {
    const free = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== "visible" && (!free || style.position !== "static")) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getBoundingClientRect().right > w + 1 && !clipped(el)
        && !out.some(o => o.contains(el))) out.push(el);
  }
  const name = (el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
  return out.slice(0, 3).map(name);
}"""


@dataclass
class Audit:
    """Runs axe on a page, saves its screenshot and collects what axe finds."""

    shot: Callable[[Any, str], Any]
    pages: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def __call__(self, page, name: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        page.wait_for_load_state()
        assert name not in self.pages, f"page {name!r} audited twice"
        self.pages.append(name)
        self.shot(page, name)
        response = Axe().run(page, options=AXE_OPTIONS).response
        undecided = [v for v in response["incomplete"] if v["id"] not in REVIEWED_BY_HAND]
        for v in response["violations"] + undecided:
            kind = "" if v in response["violations"] else ", needs review"
            lines = [f"[{name}] {page.url}", f"  {v['id']} ({v['impact']}{kind}): {v['help']}"]
            lines += [f"    at {' > '.join(map(str, n['target']))}" for n in v["nodes"]]
            lines.append(f"    see {v['helpUrl']}")
            self.found.append("\n".join(lines))
        # Reflow (WCAG 1.4.10), which axe does not check: nothing makes the page scroll sideways.
        wide = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if wide[0] > wide[1] + 1:
            culprits = page.evaluate(WIDEST_JS)
            self.found.append(
                f"[{name}] {page.url}\n  reflow (serious): the page is {wide[0]}px wide"
                f" in a {wide[1]}px viewport, so it scrolls sideways; widest: {culprits}"
            )

    def assert_clean(self) -> None:
        assert self.pages
        report = "\n".join(self.found)
        assert not self.found, (
            f"{len(self.found)} axe violation(s) on {len(self.pages)} pages:\n{report}"
        )


def open_details(page: Any) -> None:
    """Open every <details> as a person would, so that its content is checked too."""
    summaries = page.locator("details:not([open]) > summary")
    while summaries.count():
        summaries.first.click()
