"""The one clock. Everything asks `now()`; tests may replace it with `set_clock`."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

_clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); `None` restores the real one."""
    global _clock
    _clock = clock or (lambda: datetime.now(timezone.utc))


def as_utc(value: datetime) -> datetime:
    """Normalise an aware datetime to UTC; naive values are taken as UTC (SQLite returns them naive)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
