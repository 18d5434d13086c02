"""Tolerant readers for event data: a projection takes what it can use and never chokes on one odd value.

An event that cannot be applied would come back on every replay, so a malformed field becomes None (and the
handler decides whether the event is still usable) instead of an exception.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Any


def as_uuid(value: Any) -> str | None:
    """A UUID as its canonical lower-case string, or None."""
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return None


def as_datetime(value: Any) -> datetime | None:
    """An ISO-8601 time as an aware UTC datetime (naive values are taken as UTC), or None."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def as_text(value: Any, max_length: int | None = None) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text[:max_length] if max_length else text


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (ValueError, TypeError):
        return None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (ValueError, TypeError):
        return None


def as_bool(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def as_str_list(value: Any, max_length: int = 200) -> list[str]:
    if not isinstance(value, (list, tuple)):
        return []
    return [as_text(item, max_length) for item in value if item is not None]


def as_uuid_list(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)):
        return []
    return [u for u in (as_uuid(item) for item in value) if u]
