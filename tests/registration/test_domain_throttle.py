"""Sign-in slow-down (pure): 5 free failures, then growing waits; failures forgotten after 15 quiet minutes."""
from datetime import datetime, timedelta, timezone

from registration.domain.throttle import (
    FREE_FAILURES, MAX_DELAY, WINDOW, ThrottleState, after_failure, delay_after, wait_remaining,
)

T0 = datetime(2025, 5, 1, 8, 0, tzinfo=timezone.utc)


def fail(times: int, start=T0, step=timedelta(seconds=1)):
    state, now = None, start
    for _ in range(times):
        state = after_failure(state, now)
        now += step
    return state


def test_four_failures_cost_nothing():
    state = fail(FREE_FAILURES - 1)
    assert state.failures == 4 and state.blocked_until is None
    assert wait_remaining(state, T0 + timedelta(seconds=4)) is None


def test_the_fifth_failure_imposes_a_wait():
    state = fail(FREE_FAILURES)
    assert state.blocked_until == state.last_failure_at + timedelta(minutes=1)
    assert wait_remaining(state, state.last_failure_at) == timedelta(minutes=1)
    assert wait_remaining(state, state.blocked_until) is None


def test_the_wait_grows_and_is_capped():
    assert [delay_after(n) for n in (4, 5, 6, 7)] == [None, timedelta(minutes=1), timedelta(minutes=2),
                                                       timedelta(minutes=4)]
    assert delay_after(50) == MAX_DELAY


def test_failing_again_after_the_wait_waits_longer():
    state = fail(FREE_FAILURES)
    later = after_failure(state, state.blocked_until)
    assert later.failures == 6 and later.blocked_until - later.last_failure_at == timedelta(minutes=2)


def test_failures_are_forgotten_after_fifteen_quiet_minutes():
    state = fail(3)
    fresh = after_failure(state, state.last_failure_at + WINDOW)
    assert fresh.failures == 1


def test_quiet_time_counts_from_the_end_of_the_wait():
    state = ThrottleState(failures=8, last_failure_at=T0, blocked_until=T0 + timedelta(minutes=8))
    assert after_failure(state, T0 + timedelta(minutes=20)).failures == 9
    assert after_failure(state, T0 + timedelta(minutes=8) + WINDOW).failures == 1
