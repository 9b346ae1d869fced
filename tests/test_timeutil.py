"""Times are stored in UTC and shown in the school's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from quiz.web.timeutil import show_deadline


def test_a_deadline_names_its_day_unless_it_is_today(app):
    app.config["TIMEZONE"] = "Europe/London"
    now = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    with app.app_context():
        assert show_deadline(_utc(2026, 11, 28, 16, 18), now) == "16:18"
        # Seven days out: the day is what a student needs first.
        assert show_deadline(_utc(2026, 12, 5, 16, 18), now) == "Sat 05 Dec, 16:18"
        assert show_deadline(_utc(2027, 1, 8, 9, 0), now) == "Fri 08 Jan 2027, 09:00"
        # "Today" is the school's day: 23:30 UTC in summer is already tomorrow in London.
        summer = _utc(2026, 7, 1, 12, 0)
        assert show_deadline(_utc(2026, 7, 1, 23, 30), summer) == "Thu 02 Jul, 00:30"


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)
