"""The lifecycle of one message (DESIGN §6), as pure functions.

created → sending → sent → delivered, with temporary-failure (retried with backoff, as a due time that beat picks
up), permanent-failure and technical-failure (a person checks). `delivered` and `permanent-failure` are final: a
later or out-of-order report never moves a message back.
"""
from __future__ import annotations

from datetime import datetime, timedelta

CREATED = "created"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
TEMPORARY_FAILURE = "temporary-failure"
PERMANENT_FAILURE = "permanent-failure"
TECHNICAL_FAILURE = "technical-failure"

STATUSES = (CREATED, SENDING, SENT, DELIVERED, TEMPORARY_FAILURE, PERMANENT_FAILURE, TECHNICAL_FAILURE)
FINAL = frozenset({DELIVERED, PERMANENT_FAILURE})
# Waiting for a send_due run to pick them up when due (the query: sending._due_clause).
DUE_STATUSES = (CREATED, TEMPORARY_FAILURE)

TRANSITIONS: dict[str, frozenset[str]] = {
    CREATED: frozenset({SENDING, PERMANENT_FAILURE, TECHNICAL_FAILURE}),
    # sending → sending: a message stuck in sending is claimed again (an email re-sent with the same Message-ID).
    SENDING: frozenset({SENDING, SENT, DELIVERED, TEMPORARY_FAILURE, PERMANENT_FAILURE, TECHNICAL_FAILURE}),
    SENT: frozenset({DELIVERED, PERMANENT_FAILURE, TECHNICAL_FAILURE}),
    # → sent: a late answer of an earlier attempt that did get through (after the row was re-claimed).
    TEMPORARY_FAILURE: frozenset({SENDING, SENT, DELIVERED, PERMANENT_FAILURE, TECHNICAL_FAILURE}),
    # A technical failure waits for a person (who may send again) or for a delivery report that settles it.
    TECHNICAL_FAILURE: frozenset({SENDING, SENT, DELIVERED, PERMANENT_FAILURE}),
    DELIVERED: frozenset(),
    PERMANENT_FAILURE: frozenset(),
}

# Delay before attempt n+1 after attempt n failed temporarily: 30 s, 2 min, 10 min, 30 min, 2 h.
BACKOFF_SECONDS = (30, 120, 600, 1800, 7200)
# After this many attempts a temporary failure becomes a technical failure.
MAX_ATTEMPTS = 6


# A person may send a failed message again (POST /notifications/{id}/resend): it becomes due as a new attempt.
# The only way out of permanent-failure: a person decided, not a report.
RESENDABLE = frozenset({TECHNICAL_FAILURE, PERMANENT_FAILURE})


def can_resend(status: str) -> bool:
    return status in RESENDABLE


def is_final(status: str) -> bool:
    return status in FINAL


def can_transition(current: str, new: str, resend: bool = False) -> bool:
    """Whether a message in `current` may move to `new` (unknown statuses never move); `resend`: a person asked
    to send a failed message again (→ created)."""
    if resend:
        return new == CREATED and can_resend(current)
    return new in TRANSITIONS.get(current, frozenset())


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after `attempts` attempts failed temporarily; None once the attempts are used up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    index = min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1
    return timedelta(seconds=BACKOFF_SECONDS[index])


def after_temporary_failure(attempts: int, now: datetime) -> tuple[str, datetime | None]:
    """The status and due time after attempt number `attempts` failed temporarily."""
    delay = retry_delay(attempts)
    if delay is None:
        return TECHNICAL_FAILURE, None
    return TEMPORARY_FAILURE, now + delay


def stuck_outcome(channel: str, attempts: int) -> str:
    """What a stuck message becomes: an email is sent again (same Message-ID, so clients see one message);
    an SMS cannot be deduplicated by the phone, so a person checks it (unless its delivery report arrives)."""
    if channel == "email" and attempts < MAX_ATTEMPTS:
        return SENDING
    return TECHNICAL_FAILURE
