"""What a person does in a page, shared by the browser tests."""

from __future__ import annotations

from typing import Any


def fill_answer(page: Any, form: dict[str, list[str]]) -> None:
    """Answer through the page as a person would: tick, choose, type."""
    for name, values in form.items():
        for value in values:
            box = page.locator(f"input[name='{name}'][value='{value}']")
            if box.count():
                box.check()
            else:
                page.locator(f"[name='{name}']").fill(value)
