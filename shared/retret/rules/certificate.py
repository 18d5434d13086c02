"""Certificate rule over a retreat's mandatory sessions that have ended.

attended = present + late + excused; rate = attended / sessions.

- LULUS: rate >= threshold AND the official came in person at least once
  (present or late) — a stack of permits alone never earns a certificate;
- TELAH_MENGIKUTI ("has participated"): came at least once, rate too low;
- NONE: never came in person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from retret.rules.attendance import ABSENT, EXCUSED, LATE, PRESENT

LULUS = "lulus"
TELAH_MENGIKUTI = "telah_mengikuti"
NONE = "none"

DEFAULT_THRESHOLD = 0.9


@dataclass(frozen=True)
class CertificateOutcome:
    """Per-status counts behind a certificate decision."""

    present: int
    late: int
    excused: int
    # Includes sessions whose status is None (no decision recorded).
    absent: int
    sessions: int
    rate: float
    status: str

    @property
    def attended(self) -> int:
        return self.present + self.late + self.excused


def _exact(threshold: float | Fraction | Decimal | int) -> Fraction:
    """Threshold as an exact fraction, validated to lie in [0, 1].

    Why: float 0.9 is really 0.90000000000000002220..., so the naive
    ``Fraction(9, 10) >= Fraction(0.9)`` is False and 9 of 10 sessions would
    fail.  ``repr`` of a float is the shortest decimal that round-trips, i.e.
    what the caller wrote ("0.9"), so Fraction(repr(x)) is exactly 9/10.
    The attendance side is compared as an exact Fraction too, no epsilon.
    """
    if isinstance(threshold, bool):
        raise TypeError("threshold must be a number, not bool")
    exact = Fraction(repr(threshold)) if isinstance(threshold, float) else Fraction(threshold)
    if not 0 <= exact <= 1:
        raise ValueError("threshold must be between 0 and 1")
    return exact


def assess(
    statuses: Iterable[str | None], threshold: float | Fraction | Decimal = DEFAULT_THRESHOLD
) -> CertificateOutcome:
    """Count the derived statuses of the ended mandatory sessions and decide."""
    limit = _exact(threshold)
    counts = {PRESENT: 0, LATE: 0, EXCUSED: 0, ABSENT: 0}
    for status in statuses:
        # The sessions have ended, so "no status" can only mean not attended.
        key = ABSENT if status is None else status
        if key not in counts:
            raise ValueError(f"unknown attendance status: {status!r}")
        counts[key] += 1

    sessions = sum(counts.values())
    attended = counts[PRESENT] + counts[LATE] + counts[EXCUSED]
    rate = Fraction(attended, sessions) if sessions else Fraction(0)
    came_in_person = counts[PRESENT] + counts[LATE] > 0

    if came_in_person and rate >= limit:
        status = LULUS
    elif came_in_person:
        status = TELAH_MENGIKUTI
    else:
        status = NONE
    return CertificateOutcome(
        present=counts[PRESENT],
        late=counts[LATE],
        excused=counts[EXCUSED],
        absent=counts[ABSENT],
        sessions=sessions,
        rate=float(rate),
        status=status,
    )


def certificate_status(
    statuses: Iterable[str | None], threshold: float | Fraction | Decimal = DEFAULT_THRESHOLD
) -> str:
    """LULUS, TELAH_MENGIKUTI or NONE; see :func:`assess`."""
    return assess(statuses, threshold).status
