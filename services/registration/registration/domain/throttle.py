"""Sign-in slow-down per (username, address): after 5 failures within 15 minutes each try must wait, and the wait
grows; the account is never locked, so a correct password after the wait always works."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 5
WINDOW = timedelta(minutes=15)
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class ThrottleState:
    failures: int
    last_failure_at: datetime
    blocked_until: datetime | None = None


def delay_after(failures: int) -> timedelta | None:
    """The wait imposed after `failures` failures in a row: none below 5, then 1, 2, 4 ... minutes (≤ 1 hour)."""
    if failures < FREE_FAILURES:
        return None
    doublings = min(failures - FREE_FAILURES, 12)  # 2**12 minutes is far beyond MAX_DELAY already
    return min(FIRST_DELAY * 2 ** doublings, MAX_DELAY)


def is_stale(state: ThrottleState, now: datetime) -> bool:
    """Failures are forgotten after 15 quiet minutes (counted from the end of the last wait)."""
    quiet_since = max(state.last_failure_at, state.blocked_until or state.last_failure_at)
    return now - quiet_since >= WINDOW


def wait_remaining(state: ThrottleState | None, now: datetime) -> timedelta | None:
    """How long before the next attempt may be checked; None when it may be checked now."""
    if state is None or state.blocked_until is None or now >= state.blocked_until:
        return None
    return state.blocked_until - now


def after_failure(state: ThrottleState | None, now: datetime) -> ThrottleState:
    failures = 1 if state is None or is_stale(state, now) else state.failures + 1
    delay = delay_after(failures)
    return ThrottleState(failures=failures, last_failure_at=now, blocked_until=now + delay if delay else None)
