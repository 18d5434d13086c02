"""A retreat's times are stored and computed in UTC and shown in the retreat's own time zone (DESIGN §5)."""
from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .clock import as_utc

DEFAULT_TIMEZONE = "Asia/Jakarta"  # WIB: Malang, the first user


def zone(name: str | None) -> tzinfo:
    """The IANA zone `name`; UTC for an empty name or one this machine does not know (showing a time, writing a
    message or a report never fails on a zone name)."""
    if not name:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones ("Asia") read as a file
        return timezone.utc


def in_zone(value: datetime | None, name: str | None) -> datetime | None:
    """`value` as an aware time in the zone `name`; a naive value is taken as UTC (SQLite hands stored times back
    naive). None stays None."""
    if value is None:
        return None
    return as_utc(value).astimezone(zone(name))
