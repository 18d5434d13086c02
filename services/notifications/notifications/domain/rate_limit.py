"""How fast an SMS gateway may be fed (pure): a token bucket in its "theoretical arrival time" form (GCRA).

One stored instant per provider, `next_at`: when the bucket is empty again if nothing more is sent. A message may
go when `next_at` is at most one second of messages ahead of now (a burst of up to `rate` messages), and each one
moves `next_at` on by 1/rate seconds. A refused message learns when the next slot frees, and waits as a due row
until then."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

BURST_SECONDS = 1.0


@dataclass(frozen=True)
class Slot:
    allowed: bool
    next_at: datetime  # the instant to store (unchanged when refused)
    retry_at: datetime | None = None  # when refused: the first instant a slot is free


def take(next_at: datetime | None, now: datetime, rate_per_second: float) -> Slot:
    """Take one slot of a provider limited to `rate_per_second` (0 or less: no limit)."""
    if rate_per_second <= 0:
        return Slot(True, next_at or now)
    interval = timedelta(seconds=1.0 / rate_per_second)
    tolerance = max(timedelta(seconds=BURST_SECONDS) - interval, timedelta(0))
    start = max(next_at or now, now)
    if start - now > tolerance:
        return Slot(False, start, retry_at=start - tolerance)
    return Slot(True, start + interval)
