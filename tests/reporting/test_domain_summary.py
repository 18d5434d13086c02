"""The report computations as pure functions (reporting.domain.summary): no database, no Flask."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from reporting.domain.summary import (
    PermitFacts, RegistrationFacts, RetreatFacts, SessionFacts, permit_covers, session_rows, summarize, unit_rows,
)

NOW = datetime(2025, 5, 16, 12, 0, tzinfo=timezone.utc)


def session(sid: str, hours_before_now: float, **kw) -> SessionFacts:
    starts = NOW - timedelta(hours=hours_before_now)
    return SessionFacts(id=sid, starts_at=starts, ends_at=starts + timedelta(hours=1), title=sid, kind="lecture",
                        **kw)


S1, S2, S3, S4 = (session(f"s{i}", 30 - i) for i in range(1, 5))
OPTIONAL = session("s5", 10, mandatory=False)
CANCELLED = session("s6", 9, status="cancelled")
FUTURE = session("s7", -5)
RUNNING = session("s8", 0.5)  # started, not ended

A = RegistrationFacts("a", "confirmed", group="Peleton 1", unit_code="35.73.05", unit_name="Kecamatan Lowokwaru")
B = RegistrationFacts("b", "confirmed", group="Peleton 2", unit_code="35.73.05", unit_name="Kecamatan Lowokwaru")
C = RegistrationFacts("c", "invited", unit_code="35.73.01", unit_name="Kecamatan Blimbing")
D = RegistrationFacts("d", "declined", unit_code="35.73.01", unit_name="Kecamatan Blimbing")
E = RegistrationFacts("e", "confirmed", unit_code="35.73.01", unit_name="Kecamatan Blimbing")
UNKNOWN = RegistrationFacts("x", None)  # only a participant.updated seen: not counted


def facts(sessions=(S1, S2, S3, S4, OPTIONAL, CANCELLED, FUTURE, RUNNING), registrations=(A, B, C, D, E, UNKNOWN),
          attendance=None, permits=(), threshold=0.9) -> RetreatFacts:
    if attendance is None:
        attendance = {("a", "s1"): "present", ("a", "s2"): "late",
                      **{("b", s.id): "present" for s in (S1, S2, S3, S4)},
                      ("b", "s5"): "present", ("a", "s8"): "present"}
    if permits == ():
        permits = (PermitFacts("a", "approved", session_ids=("s3",)),
                   PermitFacts("e", "rejected", session_ids=("s1",)),
                   PermitFacts("e", "pending", session_ids=("s2",)))
    return RetreatFacts(retreat_id="r", threshold=threshold, now=NOW, sessions=tuple(sessions),
                        registrations=tuple(registrations), attendance=attendance, permits=tuple(permits))


def test_summary_counts_ended_mandatory_sessions_only():
    result = summarize(facts(), {"registration": 42, "notifications": 7})
    assert result == {
        "retreat_id": "r",
        "registrations": {"total": 5, "invited": 1, "confirmed": 3, "declined": 1, "cancelled": 0, "waitlisted": 0},
        # 3 confirmed x 4 sessions; A: present, late, excused (permit), absent; B: 4 present; E: 4 absent
        "attendance": {"sessions": 4, "records": 12, "present": 5, "late": 1, "excused": 1, "absent": 5,
                       "rate": 7 / 12},
        "certificates": {"lulus": 1, "telah_mengikuti": 1, "none": 1},
        "as_of": {"registration": 42, "notifications": 7},
    }


def test_summary_without_sessions_has_rate_zero():
    result = summarize(facts(sessions=(FUTURE,)), {})
    assert result["attendance"] == {"sessions": 0, "records": 0, "present": 0, "late": 0, "excused": 0,
                                    "absent": 0, "rate": 0}
    assert result["certificates"] == {"lulus": 0, "telah_mengikuti": 0, "none": 3}
    assert result["as_of"] == {"registration": 0, "notifications": 0}


def test_audience_groups_limit_who_is_expected():
    only_p1 = session("p1", 20, audience_groups=("Peleton 1",))
    result = summarize(facts(sessions=(only_p1,), attendance={}, permits=[]), {})
    assert result["attendance"]["records"] == 1  # A only
    assert result["attendance"]["absent"] == 1


def test_threshold_is_exact_and_in_person_needed():
    sessions = [session(f"t{i}", 50 - i) for i in range(10)]
    nine = {("a", f"t{i}"): "present" for i in range(9)}
    result = summarize(facts(sessions=sessions, registrations=(A,), attendance=nine, permits=[]), {})
    assert result["certificates"]["lulus"] == 1
    all_excused = [PermitFacts("a", "approved", session_ids=tuple(s.id for s in sessions))]
    result = summarize(facts(sessions=sessions, registrations=(A,), attendance={}, permits=all_excused), {})
    assert result["attendance"]["excused"] == 10
    assert result["certificates"] == {"lulus": 0, "telah_mengikuti": 0, "none": 1}


def test_a_scan_wins_over_a_permit_and_recorded_excused_counts():
    permits = [PermitFacts("a", "approved", session_ids=("s1",))]
    result = summarize(facts(sessions=(S1, S2), registrations=(A,), permits=permits,
                             attendance={("a", "s1"): "late", ("a", "s2"): "excused"}), {})
    assert result["attendance"] | {"rate": None} == {"sessions": 2, "records": 2, "present": 0, "late": 1,
                                                    "excused": 1, "absent": 0, "rate": None}


@pytest.mark.parametrize("permit, covered", [
    (PermitFacts("a", "approved", starts_at=S1.starts_at - timedelta(hours=2), ends_at=S1.starts_at), False),
    (PermitFacts("a", "approved", starts_at=S1.starts_at, ends_at=S1.starts_at + timedelta(minutes=1)), True),
    (PermitFacts("a", "approved", starts_at=S1.ends_at - timedelta(minutes=1), ends_at=S1.ends_at + timedelta(days=1)),
     True),
    (PermitFacts("a", "approved", session_ids=("s2",), starts_at=S1.starts_at, ends_at=S1.ends_at), False),
    (PermitFacts("a", "approved", session_ids=("s1",)), True),
    (PermitFacts("a", "approved"), False),
    (PermitFacts("a", "pending", session_ids=("s1",)), False),
    (PermitFacts("a", "rejected", session_ids=("s1",)), False),
])
def test_permit_covers(permit, covered):
    assert permit_covers(permit, S1) is covered


def test_unit_rows():
    rows = unit_rows(facts())
    assert [r["unit_code"] for r in rows] == ["35.73.01", "35.73.05"]
    blimbing, lowokwaru = rows
    assert blimbing == {"unit_code": "35.73.01", "unit_name": "Kecamatan Blimbing", "total": 3, "confirmed": 1,
                        "declined": 1, "present": 0, "late": 0, "excused": 0, "absent": 4, "records": 4,
                        "rate": 0.0}
    assert lowokwaru | {"rate": None} == {
        "unit_code": "35.73.05", "unit_name": "Kecamatan Lowokwaru", "total": 2, "confirmed": 2, "declined": 0,
        "present": 5, "late": 1, "excused": 1, "absent": 1, "records": 8, "rate": None}
    assert lowokwaru["rate"] == 7 / 8


def test_session_rows():
    rows = {r["session_id"]: r for r in session_rows(facts())}
    assert list(rows) == ["s1", "s2", "s3", "s4", "s5", "s6", "s8", "s7"]  # by start
    assert rows["s1"] | {"starts_at": None, "ends_at": None} == {
        "session_id": "s1", "title": "s1", "kind": "lecture", "starts_at": None, "ends_at": None,
        "mandatory": True, "status": "scheduled", "ended": True, "expected": 3, "present": 2, "late": 0,
        "excused": 0, "absent": 1, "punctuality": 1.0}
    assert rows["s2"]["punctuality"] == 0.5
    assert (rows["s5"]["present"], rows["s5"]["absent"]) == (1, 2)  # optional sessions are listed too
    assert rows["s6"]["absent"] == 0  # nobody is absent from a cancelled session
    assert (rows["s8"]["ended"], rows["s8"]["present"], rows["s8"]["absent"]) == (False, 1, 0)
    assert (rows["s7"]["expected"], rows["s7"]["absent"], rows["s7"]["punctuality"]) == (3, 0, None)
