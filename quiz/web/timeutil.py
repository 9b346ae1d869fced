"""Times are stored in UTC and shown in the school's time zone (QUIZ_TIMEZONE)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app


def zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(zone()) if value is not None else None


def from_local(value: datetime | None) -> datetime | None:
    """A naive time typed in a form, in the school's zone, as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=zone()).astimezone(UTC)


def show(value: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else "—"


def show_deadline(value: datetime, now: datetime | None = None) -> str:
    """When an attempt must be handed in, as a student reads it: the time alone if
    that is today in the school's zone ("16:18"), with the day otherwise
    ("Sat 05 Dec, 16:18"), and with the year if it is another year's."""
    school = zone()
    local, today = value.astimezone(school), (now or datetime.now(UTC)).astimezone(school)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%a %d %b, %H:%M")
    return local.strftime("%a %d %b %Y, %H:%M")
