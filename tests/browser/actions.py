"""What a person does in a page, shared by the browser tests."""

from __future__ import annotations

import re
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


def assert_answer_shown(page: Any, form: dict[str, list[str]]) -> None:
    """The page shows ``form`` as the answer: its boxes ticked, its text in the fields."""
    for name, values in form.items():
        for value in values:
            box = page.locator(f"input[name='{name}'][value='{value}']")
            if box.count():
                assert box.first.is_checked(), (name, value)
            else:
                assert page.locator(f"[name='{name}']").first.input_value() == value, name


def log_in_teacher(page: Any, base: str, email: str, password: str) -> None:
    """Log in at /teacher/login and wait for the dashboard."""
    page.goto(base + "/teacher/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/teacher/$"))


def fill_new_bank(page: Any, title: str, article: str, **more: str) -> str:
    """On the new-bank form: fill it (``more``: other fields by label, such as
    Description), create the bank (which opens its first question's editor), and
    return the bank page's URL."""
    page.get_by_label("Bank title").fill(title)
    for label, value in more.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Article title").fill("Assaults up 500%, agency says")
    page.get_by_label("Article text").fill(article)
    page.get_by_role("button", name="Create the bank").click()
    page.wait_for_url(re.compile(r"/teacher/banks/\d+/questions/new/single$"))
    return page.url.rsplit("/questions/", 1)[0]
