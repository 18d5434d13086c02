"""Unit tests for retret.rules.certificate."""

from decimal import Decimal
from fractions import Fraction

import pytest

from retret.rules.attendance import ABSENT, EXCUSED, LATE, PRESENT
from retret.rules.certificate import (
    LULUS,
    NONE,
    TELAH_MENGIKUTI,
    CertificateOutcome,
    assess,
    certificate_status,
)


def _statuses(present=0, late=0, excused=0, absent=0, unknown=0):
    return [PRESENT] * present + [LATE] * late + [EXCUSED] * excused + [ABSENT] * absent + [
        None
    ] * unknown


def test_constants():
    assert (LULUS, TELAH_MENGIKUTI, NONE) == ("lulus", "telah_mengikuti", "none")


def test_nine_of_ten_is_lulus_despite_float_threshold():
    # 9/10 == 0.9 must pass, although Fraction(0.9) > Fraction(9, 10).
    assert certificate_status(_statuses(present=9, absent=1)) == LULUS
    assert certificate_status(_statuses(present=9, absent=1), 0.9) == LULUS


def test_just_below_threshold_is_telah_mengikuti():
    assert certificate_status(_statuses(present=8, absent=2)) == TELAH_MENGIKUTI
    # 26/30 = 0.8666 < 0.9; 27/30 = 0.9 exactly.
    assert certificate_status(_statuses(present=26, absent=4)) == TELAH_MENGIKUTI
    assert certificate_status(_statuses(present=27, absent=3)) == LULUS


def test_late_and_excused_count_as_attended():
    outcome = assess(_statuses(present=5, late=2, excused=2, absent=1))
    assert outcome == CertificateOutcome(
        present=5, late=2, excused=2, absent=1, sessions=10, rate=0.9, status=LULUS
    )
    assert outcome.attended == 9


def test_late_only_counts_as_in_person():
    assert certificate_status(_statuses(late=10)) == LULUS
    assert certificate_status(_statuses(late=1, absent=9)) == TELAH_MENGIKUTI


def test_excused_only_is_none():
    outcome = assess(_statuses(excused=10))
    assert outcome.rate == 1.0
    assert outcome.status == NONE


def test_one_visit_plus_permits_is_lulus():
    assert certificate_status(_statuses(present=1, excused=9)) == LULUS


def test_never_came_is_none():
    assert certificate_status(_statuses(absent=10)) == NONE
    assert certificate_status(_statuses(excused=5, absent=5)) == NONE


def test_no_sessions():
    outcome = assess([])
    assert (outcome.sessions, outcome.rate, outcome.status) == (0, 0.0, NONE)


def test_none_status_counts_as_absent():
    outcome = assess(_statuses(present=9, unknown=1))
    assert (outcome.absent, outcome.sessions, outcome.status) == (1, 10, LULUS)
    assert certificate_status(_statuses(present=8, unknown=2)) == TELAH_MENGIKUTI


def test_accepts_any_iterable_once():
    statuses = iter(_statuses(present=9, absent=1))
    assert assess(statuses).sessions == 10


def test_unknown_status_rejected():
    with pytest.raises(ValueError):
        assess([PRESENT, "hadir"])


@pytest.mark.parametrize(
    "threshold", [0.9, Fraction(9, 10), Decimal("0.9"), Decimal("0.90")]
)
def test_threshold_types(threshold):
    assert certificate_status(_statuses(present=9, absent=1), threshold) == LULUS
    assert certificate_status(_statuses(present=89, absent=11), threshold) == TELAH_MENGIKUTI


def test_threshold_extremes():
    assert certificate_status(_statuses(present=10), 1.0) == LULUS
    assert certificate_status(_statuses(present=99, absent=1), 1) == TELAH_MENGIKUTI
    assert certificate_status(_statuses(present=1, absent=99), 0) == LULUS
    assert certificate_status(_statuses(absent=10), 0) == NONE


def test_repeating_decimal_threshold():
    # 2/3 as a float is 0.6666666666666666, slightly below 2/3.
    assert certificate_status(_statuses(present=2, absent=1), 2 / 3) == LULUS
    assert certificate_status(_statuses(present=2, absent=1), Fraction(2, 3)) == LULUS
    assert certificate_status(_statuses(present=65, absent=35), 2 / 3) == TELAH_MENGIKUTI


@pytest.mark.parametrize("threshold", [-0.1, 1.01, 2])
def test_threshold_out_of_range(threshold):
    with pytest.raises(ValueError):
        assess([PRESENT], threshold)


def test_threshold_bool_rejected():
    with pytest.raises(TypeError):
        assess([PRESENT], True)


@pytest.mark.parametrize(
    ("threshold", "numerator", "denominator"),
    [(0.7, 7, 10), (0.75, 3, 4), (0.8, 4, 5), (0.9, 9, 10), (0.95, 19, 20)],
)
def test_boundary_for_every_session_count(threshold, numerator, denominator):
    # Exhaustive check against integer arithmetic: attended/n >= num/den
    # exactly when attended * den >= num * n.
    for sessions in range(1, 121):
        for attended in range(1, sessions + 1):
            statuses = _statuses(present=attended, absent=sessions - attended)
            expected = LULUS if attended * denominator >= numerator * sessions else TELAH_MENGIKUTI
            assert certificate_status(statuses, threshold) == expected, (sessions, attended)
