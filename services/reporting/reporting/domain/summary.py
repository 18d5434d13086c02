"""The secretariat's reports, computed from plain facts (no Flask, no database).

Counting rules (DESIGN §4, §5):
- `sessions`: mandatory, not cancelled sessions that have ended;
- expected attendances: confirmed registrations in each session's audience (no audience groups = everyone);
- the status of one expected attendance is `retret.rules.attendance.derive_status` over the recorded status
  (present/late/excused) and whether an approved permit covers the session; `absent` is what is left;
- `rate` = `retret.rules.attendance.attendance_rate`; certificates with `retret.rules.certificate` over each
  confirmed registration's statuses for those sessions and the retreat's threshold.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from retret.events.catalogue import REGISTRATION_STATUSES
from retret.rules import attendance as rules
from retret.rules.attendance import ABSENT, EXCUSED, LATE, PRESENT, attendance_rate, derive_status
from retret.rules.certificate import LULUS, NONE, TELAH_MENGIKUTI, certificate_status

CONFIRMED = "confirmed"
DECLINED = "declined"
CANCELLED = "cancelled"
APPROVED = "approved"
COUNTED = (PRESENT, LATE, EXCUSED, ABSENT)


@dataclass(frozen=True)
class SessionFacts:
    id: str
    starts_at: datetime
    ends_at: datetime
    mandatory: bool = True
    status: str = "scheduled"
    audience_groups: tuple[str, ...] = ()
    title: str | None = None
    kind: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED

    def has_ended(self, now: datetime) -> bool:
        return self.ends_at <= now

    def counts_for_certificate(self, now: datetime) -> bool:
        return self.mandatory and not self.cancelled and self.has_ended(now)


@dataclass(frozen=True)
class RegistrationFacts:
    id: str
    status: str | None
    group: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None


@dataclass(frozen=True)
class PermitFacts:
    registration_id: str
    status: str
    session_ids: tuple[str, ...] = ()
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True)
class RetreatFacts:
    """Everything one retreat's reports are computed from."""
    retreat_id: str
    threshold: float
    now: datetime
    sessions: tuple[SessionFacts, ...] = ()
    registrations: tuple[RegistrationFacts, ...] = ()
    # (registration_id, session_id) → recorded status (present | late | excused)
    attendance: Mapping[tuple[str, str], str] = field(default_factory=dict)
    permits: tuple[PermitFacts, ...] = ()


# ------------------------------------------------------------------------------------------- the rules
def in_audience(session: SessionFacts, registration: RegistrationFacts) -> bool:
    return not session.audience_groups or registration.group in session.audience_groups


def permit_covers(permit: PermitFacts, session: SessionFacts) -> bool:
    """An approved permit names the session, or (naming none) its period overlaps the session."""
    return permit.status == APPROVED and rules.permit_covers(
        session.id, session.starts_at, session.ends_at, permit.session_ids, permit.starts_at, permit.ends_at)


class _Attendance:
    """Derived statuses of one retreat, with the permits indexed per registration."""

    def __init__(self, facts: RetreatFacts):
        self.facts = facts
        self.permits: dict[str, list[PermitFacts]] = {}
        for permit in facts.permits:
            if permit.status == APPROVED:
                self.permits.setdefault(permit.registration_id, []).append(permit)

    def status(self, registration: RegistrationFacts, session: SessionFacts) -> str | None:
        recorded = self.facts.attendance.get((registration.id, session.id))
        excused = any(permit_covers(p, session) for p in self.permits.get(registration.id, ()))
        return derive_status(recorded, excused, session.has_ended(self.facts.now))


def confirmed(facts: RetreatFacts) -> list[RegistrationFacts]:
    return [r for r in facts.registrations if r.status == CONFIRMED]


def counted_sessions(facts: RetreatFacts) -> list[SessionFacts]:
    """The sessions attendance rates and certificates are computed over."""
    return [s for s in facts.sessions if s.counts_for_certificate(facts.now)]


def _tally(statuses: Iterable[str | None]) -> dict[str, int]:
    counts = Counter(s for s in statuses if s is not None)
    return {key: counts.get(key, 0) for key in COUNTED}


def _with_rate(counts: dict[str, int]) -> dict:
    records = sum(counts.values())
    rate = attendance_rate(counts[PRESENT], counts[LATE], counts[EXCUSED], records)
    return {**counts, "records": records, "rate": rate}


def registration_counts(registrations: Iterable[RegistrationFacts]) -> dict[str, int]:
    known = [r.status for r in registrations if r.status in REGISTRATION_STATUSES]
    counts = Counter(known)
    return {"total": len(known), **{status: counts.get(status, 0) for status in REGISTRATION_STATUSES}}


def statuses_by_registration(facts: RetreatFacts) -> dict[str, list[str | None]]:
    """Each confirmed registration's derived statuses over the counted sessions in its audience."""
    derive = _Attendance(facts)
    sessions = counted_sessions(facts)
    return {r.id: [derive.status(r, s) for s in sessions if in_audience(s, r)] for r in confirmed(facts)}


# ------------------------------------------------------------------------------------------- reports
def summarize(facts: RetreatFacts, as_of: Mapping[str, int]) -> dict:
    """`GET /reports/retreats/{id}/summary`."""
    per_registration = statuses_by_registration(facts)
    attendance = _with_rate(_tally(s for statuses in per_registration.values() for s in statuses))
    certificates = Counter(certificate_status(statuses, facts.threshold) for statuses in per_registration.values())
    return {
        "retreat_id": facts.retreat_id,
        "registrations": registration_counts(facts.registrations),
        "attendance": {
            "sessions": len(counted_sessions(facts)), "records": attendance["records"],
            "present": attendance[PRESENT], "late": attendance[LATE], "excused": attendance[EXCUSED],
            "absent": attendance[ABSENT], "rate": attendance["rate"],
        },
        "certificates": {key: certificates.get(key, 0) for key in (LULUS, TELAH_MENGIKUTI, NONE)},
        "as_of": {"registration": int(as_of.get("registration", 0)),
                  "notifications": int(as_of.get("notifications", 0))},
    }


def unit_rows(facts: RetreatFacts) -> list[dict]:
    """`GET /reports/retreats/{id}/units`: one item per unit with registrations, ordered by unit code."""
    per_registration = statuses_by_registration(facts)
    units: dict[str | None, dict] = {}
    for registration in facts.registrations:
        if registration.status not in REGISTRATION_STATUSES:
            continue
        unit = units.setdefault(registration.unit_code, {
            "unit_code": registration.unit_code, "unit_name": registration.unit_name,
            "total": 0, CONFIRMED: 0, DECLINED: 0, "statuses": []})
        unit["unit_name"] = unit["unit_name"] or registration.unit_name
        unit["total"] += 1
        if registration.status in (CONFIRMED, DECLINED):
            unit[registration.status] += 1
        unit["statuses"].extend(per_registration.get(registration.id, ()))
    rows = []
    for unit in units.values():
        counts = _with_rate(_tally(unit.pop("statuses")))
        rows.append({**unit, **{k: counts[k] for k in COUNTED}, "records": counts["records"],
                     "rate": counts["rate"]})
    return sorted(rows, key=lambda row: (row["unit_code"] is None, row["unit_code"] or "", row["unit_name"] or ""))


def session_rows(facts: RetreatFacts) -> list[dict]:
    """`GET /reports/retreats/{id}/sessions`: every session by start; absent counts once a session has ended
    (never for a cancelled one)."""
    derive = _Attendance(facts)
    people = confirmed(facts)
    rows = []
    for session in sorted(facts.sessions, key=lambda s: (s.starts_at, s.id)):
        audience = [r for r in people if in_audience(session, r)]
        counts = _tally(derive.status(r, session) for r in audience)
        if session.cancelled:
            counts[ABSENT] = 0
        on_time = counts[PRESENT] + counts[LATE]
        rows.append({
            "session_id": session.id, "title": session.title, "kind": session.kind,
            "starts_at": session.starts_at, "ends_at": session.ends_at, "mandatory": session.mandatory,
            "status": session.status, "ended": session.has_ended(facts.now), "expected": len(audience),
            **counts, "punctuality": counts[PRESENT] / on_time if on_time else None,
        })
    return rows
