"""Unit tests for retret.rules.nip."""

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from retret.rules.nip import (
    KIND_PNS,
    KIND_PPPK,
    MSG_APPOINTMENT_MONTH,
    MSG_APPOINTMENT_YEAR,
    MSG_BIRTH_DATE,
    MSG_GENDER,
    MSG_LENGTH,
    MSG_SEQUENCE,
    NipError,
    NipInfo,
    normalize_nip,
    parse_nip,
    validate_nip,
)

TODAY = date(2025, 6, 1)  # so current year - 15 == 2010, current year + 1 == 2026
EXAMPLE = "198609262015051001"


def _error(raw, today=TODAY) -> NipError:
    with pytest.raises(NipError) as excinfo:
        validate_nip(raw, today=today)
    return excinfo.value


# --- normalize_nip ---------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "19860926 201505 1 001",
        "19860926.201505.1.001",
        "19860926-201505-1-001",
        "  198609262015051001  ",
        "19860926\t201505\n1 001",
        "19860926 - 201505 . 1 . 001",
        EXAMPLE,
    ],
)
def test_normalize_strips_separators(raw):
    assert normalize_nip(raw) == EXAMPLE


def test_normalize_keeps_other_characters_for_validation_to_reject():
    assert normalize_nip("1986/0926 A") == "1986/0926A"


# --- valid numbers ---------------------------------------------------------


def test_parse_example_pns():
    info = parse_nip(EXAMPLE, today=TODAY)
    assert info == NipInfo(
        nip=EXAMPLE,
        birth_date=date(1986, 9, 26),
        appointment_year=2015,
        appointment_month=5,
        gender="M",
        sequence=1,
        kind=KIND_PNS,
    )


def test_parse_accepts_typed_separators():
    info = parse_nip("19860926 201505 1 001", today=TODAY)
    assert info.nip == EXAMPLE
    assert validate_nip("19860926.201505.1.001", today=TODAY) == EXAMPLE


def test_parse_female_and_sequence():
    info = parse_nip("199203152019122999", today=TODAY)
    assert info.gender == "F"
    assert info.sequence == 999
    assert info.appointment_month == 12
    assert info.kind == KIND_PNS


@pytest.mark.parametrize("code", ["13", "21", "99"])
def test_pppk_contract_count_instead_of_month(code):
    nip = f"19900101" f"2022{code}" "1" "001"
    info = parse_nip(nip, today=TODAY)
    assert info.kind == KIND_PPPK
    assert info.appointment_year == 2022
    assert info.appointment_month is None
    assert info.birth_date == date(1990, 1, 1)


@pytest.mark.parametrize("month", ["01", "12"])
def test_month_boundaries_are_pns(month):
    info = parse_nip(f"19900101" f"2015{month}" "2001", today=TODAY)
    assert info.kind == KIND_PNS
    assert info.appointment_month == int(month)


def test_nip_info_is_frozen():
    info = parse_nip(EXAMPLE, today=TODAY)
    with pytest.raises(FrozenInstanceError):
        info.gender = "F"  # type: ignore[misc]


def test_default_today_uses_the_clock():
    # An old, valid number stays valid whatever today's date is.
    assert validate_nip(EXAMPLE) == EXAMPLE


# --- length / characters ---------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "19860926201505100",  # 17 digits
        "1986092620150510011",  # 19 digits
        "19860926201505100A",
        "1986/0926/201505/1/001",
        "198609262015051OO1",  # letter O instead of zero
        "19860926201505100\u00b9",  # superscript one: isdigit() but not a digit
        "\uff11" * 18,  # full-width digits
        "+98609262015051001",
    ],
)
def test_rejects_wrong_length_or_characters(raw):
    err = _error(raw)
    assert err.message == MSG_LENGTH
    assert err.code == "length"


def test_rejects_non_string():
    assert _error(None).message == MSG_LENGTH
    assert _error(198609262015051001).message == MSG_LENGTH


def test_error_is_value_error_with_message_as_str():
    err = _error("123")
    assert isinstance(err, ValueError)
    assert str(err) == err.message == "NIP harus terdiri dari 18 angka."


# --- birth date ------------------------------------------------------------


@pytest.mark.parametrize(
    "birth",
    [
        "19861301",  # month 13
        "19860001",  # month 00
        "19860900",  # day 00
        "19860931",  # 31 September
        "19930229",  # 29 February, not a leap year
        "19000229",  # 1900 is not a leap year (and too old anyway)
        "19391231",  # before 1940
        "20110101",  # after current year - 15
        "00000000",
    ],
)
def test_rejects_invalid_birth_date(birth):
    err = _error(f"{birth}2015051001")
    assert err.message == MSG_BIRTH_DATE
    assert err.code == "birth_date"


def test_leap_day_birth_is_valid():
    assert parse_nip("199202292015051001", today=TODAY).birth_date == date(1992, 2, 29)


def test_birth_year_boundaries():
    assert parse_nip("194001011960011001", today=TODAY).birth_date.year == 1940
    # Born in current year - 15, appointed in current year (= birth year + 15).
    assert parse_nip("201012312025011001", today=TODAY).birth_date.year == 2010


def test_birth_year_upper_bound_moves_with_today():
    nip = "201101012026011001"
    assert _error(nip, today=date(2025, 12, 31)).code == "birth_date"
    assert validate_nip(nip, today=date(2026, 1, 1)) == nip


# --- appointment year / month ----------------------------------------------


def test_appointment_year_must_be_at_least_birth_year_plus_15():
    assert validate_nip("198609262001051001", today=TODAY)  # 1986 + 15
    err = _error("198609262000051001")
    assert err.message == MSG_APPOINTMENT_YEAR
    assert err.code == "appointment_year"


def test_appointment_year_may_be_next_year_but_not_later():
    assert parse_nip("198609262026011001", today=TODAY).appointment_year == 2026
    assert _error("198609262027011001").message == MSG_APPOINTMENT_YEAR


def test_pppk_appointment_year_is_checked_too():
    assert _error("199001012027211001").code == "appointment_year"
    assert _error("199001012004211001").code == "appointment_year"


def test_appointment_month_zero_is_invalid():
    err = _error("198609262015001001")
    assert err.message == MSG_APPOINTMENT_MONTH
    assert err.code == "appointment_month"


# --- gender / sequence -----------------------------------------------------


@pytest.mark.parametrize("digit", ["0", "3", "9"])
def test_rejects_invalid_gender_digit(digit):
    err = _error(f"19860926201505{digit}001")
    assert err.message == MSG_GENDER == "Kode jenis kelamin pada NIP (angka ke-15) harus 1 atau 2."
    assert err.code == "gender"


def test_rejects_sequence_000():
    err = _error("198609262015051000")
    assert err.message == MSG_SEQUENCE
    assert err.code == "sequence"


def test_first_failing_field_is_reported():
    # Bad birth date, bad year, bad gender and 000: the birth date comes first.
    assert _error("198613012099059000").code == "birth_date"
