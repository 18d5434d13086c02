"""What a delivery report does to a message (pure).

Kannel's DLR types (the `%d` of a dlr-url): 1 delivered to the phone, 2 non-delivered (the SMSC gave up),
4 buffered (queued at the SMSC, still trying), 8 submitted to the SMSC, 16 rejected by the SMSC.
The lifecycle decides what may move (delivered and permanent-failure are final, so a late or out-of-order
report never moves a message back); this module decides what a report means.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import lifecycle

DELIVERED, NON_DELIVERED, BUFFERED, SMSC_SUBMIT, SMSC_REJECT = 1, 2, 4, 8, 16
KANNEL_DLR_TYPES = {
    DELIVERED: "delivered to the phone",
    NON_DELIVERED: "not delivered",
    BUFFERED: "buffered at the SMSC",
    SMSC_SUBMIT: "accepted by the SMSC",
    SMSC_REJECT: "rejected by the SMSC",
}
# The dlr-mask asking for every one of them.
DLR_MASK_ALL = DELIVERED | NON_DELIVERED | BUFFERED | SMSC_SUBMIT | SMSC_REJECT  # 31

# "Accepted by the SMSC" settles a message whose sending was not (or not yet) recorded as sent.
_SUBMIT_SETTLES = frozenset({lifecycle.SENDING, lifecycle.TEMPORARY_FAILURE, lifecycle.TECHNICAL_FAILURE})


@dataclass(frozen=True)
class ReportOutcome:
    status: str | None  # the status to move to; None: no change
    detail: str
    note: bool = False  # no change, but worth a line in the history


def outcome(code: int, current: str, attempts: int, report_attempt: int | None = None,
            answer: str | None = None) -> ReportOutcome:
    """The effect of DLR `code` on a message in status `current` after `attempts` attempts.

    `report_attempt` is the attempt whose dlr-url the report came back on: a failure of an older attempt does not
    fail a newer one (still on its way), while a delivery from any attempt proves the message arrived."""
    meaning = KANNEL_DLR_TYPES.get(code)
    if meaning is None:
        raise ValueError(f"unknown Kannel DLR type {code!r}")
    detail = f"DLR {code}: {meaning}"
    if report_attempt is not None:
        detail += f" (attempt {report_attempt})"
    if answer:
        detail += f": {answer}"
    if code == DELIVERED:
        return ReportOutcome(lifecycle.DELIVERED, detail)
    if code == SMSC_SUBMIT:
        return ReportOutcome(lifecycle.SENT if current in _SUBMIT_SETTLES else None, detail)
    if code == BUFFERED:
        return ReportOutcome(None, detail, note=not lifecycle.is_final(current))
    # NON_DELIVERED, SMSC_REJECT
    if report_attempt is not None and report_attempt < attempts:
        return ReportOutcome(None, detail + "; an older attempt, the latest one may still arrive",
                             note=not lifecycle.is_final(current))
    return ReportOutcome(lifecycle.PERMANENT_FAILURE, detail)
