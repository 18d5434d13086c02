"""The lifecycle rules of one message (pure functions)."""
from datetime import datetime, timedelta, timezone

import pytest

from notifications.domain import lifecycle as lc
from retret.events.catalogue import NOTIFICATION_STATUSES

NOW = datetime(2025, 5, 15, 1, 0, tzinfo=timezone.utc)


def test_statuses_are_the_catalogue_ones():
    assert set(lc.STATUSES) == set(NOTIFICATION_STATUSES)
    assert set(lc.TRANSITIONS) == set(lc.STATUSES)


@pytest.mark.parametrize("final", [lc.DELIVERED, lc.PERMANENT_FAILURE])
@pytest.mark.parametrize("later", lc.STATUSES)
def test_final_states_never_move_back(final, later):
    assert lc.is_final(final)
    assert not lc.can_transition(final, later)


@pytest.mark.parametrize("current,new,allowed", [
    (lc.CREATED, lc.SENDING, True),
    (lc.CREATED, lc.SENT, False),
    (lc.CREATED, lc.DELIVERED, False),
    (lc.SENDING, lc.SENT, True),
    (lc.SENDING, lc.SENDING, True),  # a stuck email claimed again
    (lc.SENDING, lc.TEMPORARY_FAILURE, True),
    (lc.SENDING, lc.PERMANENT_FAILURE, True),
    (lc.SENT, lc.DELIVERED, True),
    (lc.SENT, lc.SENDING, False),  # never silently sent twice
    (lc.SENT, lc.CREATED, False),
    (lc.TEMPORARY_FAILURE, lc.SENDING, True),
    (lc.TEMPORARY_FAILURE, lc.CREATED, False),
    (lc.TECHNICAL_FAILURE, lc.DELIVERED, True),  # its delivery report arrived after all
    (lc.TECHNICAL_FAILURE, lc.TEMPORARY_FAILURE, False),
    ("unknown", lc.SENDING, False),
])
def test_transitions(current, new, allowed):
    assert lc.can_transition(current, new) is allowed


def test_backoff_schedule_then_technical_failure():
    delays = [lc.retry_delay(n) for n in range(1, 6)]
    assert delays == [timedelta(seconds=s) for s in (30, 120, 600, 1800, 7200)]
    assert lc.retry_delay(lc.MAX_ATTEMPTS) is None
    assert lc.after_temporary_failure(1, NOW) == (lc.TEMPORARY_FAILURE, NOW + timedelta(seconds=30))
    assert lc.after_temporary_failure(5, NOW) == (lc.TEMPORARY_FAILURE, NOW + timedelta(hours=2))
    assert lc.after_temporary_failure(6, NOW) == (lc.TECHNICAL_FAILURE, None)
    assert lc.after_temporary_failure(9, NOW) == (lc.TECHNICAL_FAILURE, None)


def test_stuck_email_is_resent_but_stuck_sms_goes_to_a_person():
    assert lc.stuck_outcome("email", 1) == lc.SENDING
    assert lc.stuck_outcome("email", lc.MAX_ATTEMPTS) == lc.TECHNICAL_FAILURE
    assert lc.stuck_outcome("sms", 1) == lc.TECHNICAL_FAILURE
