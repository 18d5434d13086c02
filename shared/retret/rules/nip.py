"""Indonesian civil servant number (NIP) rules.

A NIP has 18 digits::

    YYYYMMDD  YYYYMM  G  NNN
    birth     first   gender (1 male, 2 female)
    date      appointment      3-digit sequence

PPPK (contract staff) numbers have the same shape, but digits 13-14 hold a
contract count instead of the appointment month.  Because a real month is
never above 12, we treat 13..99 in that position as a PPPK number (its own
``kind``).

Nobody is appointed before their 18th birthday: a PNS appointment (year and
month) may not lie before the month of that birthday, a PPPK appointment
(year only) not before its year; and a birth date that makes the person
younger than 18 today is refused.

The clock is never read directly: every function that needs "now" accepts
``today`` so tests (and batch re-validation) can pin the date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

NIP_LENGTH = 18
MIN_BIRTH_YEAR = 1940
# The minimum age of a civil servant (PNS and PPPK alike): nobody is appointed before it.
MIN_WORKING_AGE = 18

KIND_PNS = "pns"
KIND_PPPK = "pppk"

# Separators people type when copying a NIP from an SK or ID card,
# e.g. "19860926 201505 1 001" or "19860926.201505.1.001".
_SEPARATORS = re.compile(r"[\s.\-]+")
# ASCII digits only: str.isdigit() would also accept "²" or Arabic-Indic digits.
_EIGHTEEN_DIGITS = re.compile(r"[0-9]{18}")

MSG_LENGTH = "NIP harus terdiri dari 18 angka."
MSG_BIRTH_DATE = "Tanggal lahir pada NIP (8 angka pertama) tidak valid."
MSG_TOO_YOUNG = "Tanggal lahir pada NIP (8 angka pertama) menunjukkan umur di bawah 18 tahun."
MSG_APPOINTMENT_YEAR = "Tahun pengangkatan pada NIP tidak valid."
MSG_APPOINTMENT_MONTH = "Bulan pengangkatan pada NIP (angka ke-13 dan ke-14) tidak valid."
MSG_APPOINTMENT_AGE = (
    "Pengangkatan pada NIP (angka ke-9 sampai ke-14) tidak boleh sebelum pemiliknya berumur 18 tahun."
)
MSG_GENDER = "Kode jenis kelamin pada NIP (angka ke-15) harus 1 atau 2."
MSG_SEQUENCE = "Nomor urut pada NIP (3 angka terakhir) tidak boleh 000."


class NipError(ValueError):
    """Invalid NIP.

    ``message`` is a Bahasa Indonesia sentence safe to show to users;
    ``code`` is a stable machine-readable reason (e.g. for API payloads).
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class NipInfo:
    """Fields decoded from a valid NIP."""

    nip: str
    birth_date: date
    appointment_year: int
    # None for PPPK: their digits 13-14 are a contract count, not a month.
    appointment_month: int | None
    gender: Literal["M", "F"]
    sequence: int
    kind: Literal["pns", "pppk"]


def normalize_nip(raw: str) -> str:
    """Remove spaces, dots and dashes; does not check anything else."""
    return _SEPARATORS.sub("", raw)


def nip_kind(nip: str) -> Literal["pns", "pppk"]:
    """The kind of an already valid NIP: PPPK when digits 13-14 hold a contract count (above 12)."""
    return KIND_PPPK if int(nip[12:14]) > 12 else KIND_PNS


def validate_nip(raw: str, today: date | None = None) -> str:
    """Return the normalized NIP, or raise :class:`NipError`."""
    return parse_nip(raw, today=today).nip


def parse_nip(nip: str, today: date | None = None) -> NipInfo:
    """Validate ``nip`` (raw input is fine) and decode its fields."""
    today = today or date.today()
    if not isinstance(nip, str):
        raise NipError(MSG_LENGTH, "length")
    nip = normalize_nip(nip)
    if not _EIGHTEEN_DIGITS.fullmatch(nip):
        raise NipError(MSG_LENGTH, "length")

    birth = _parse_birth_date(nip[0:8], today)
    year, month, kind = _parse_appointment(nip[8:12], nip[12:14], birth, today)
    gender = _parse_gender(nip[14])
    sequence = int(nip[15:18])
    if sequence == 0:
        raise NipError(MSG_SEQUENCE, "sequence")

    return NipInfo(
        nip=nip,
        birth_date=birth,
        appointment_year=year,
        appointment_month=month,
        gender=gender,
        sequence=sequence,
        kind=kind,
    )


def _parse_birth_date(digits: str, today: date) -> date:
    """A real calendar date, not before 1940, and the person is 18 or older today."""
    try:
        birth = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:  # e.g. month 13 or 30 February
        raise NipError(MSG_BIRTH_DATE, "birth_date") from None
    if birth.year < MIN_BIRTH_YEAR or birth > today:
        raise NipError(MSG_BIRTH_DATE, "birth_date")
    if adulthood(birth) > today:
        raise NipError(MSG_TOO_YOUNG, "birth_date")
    return birth


def adulthood(birth: date) -> date:
    """The 18th birthday (28 February for someone born on 29 February, in a common year)."""
    try:
        return birth.replace(year=birth.year + MIN_WORKING_AGE)
    except ValueError:
        return date(birth.year + MIN_WORKING_AGE, 2, 28)


def _parse_appointment(
    year_digits: str, month_digits: str, birth: date, today: date
) -> tuple[int, int | None, Literal["pns", "pppk"]]:
    """Decode appointment year and month (PNS) or year + contract count (PPPK), not before the 18th birthday."""
    year = int(year_digits)
    # +1: SKs for next year's intake are issued (and NIPs assigned) in advance.
    if not MIN_BIRTH_YEAR <= year <= today.year + 1:
        raise NipError(MSG_APPOINTMENT_YEAR, "appointment_year")
    code = int(month_digits)
    if code == 0:  # neither a month nor a contract count
        raise NipError(MSG_APPOINTMENT_MONTH, "appointment_month")
    month, kind = (None, KIND_PPPK) if code > 12 else (code, KIND_PNS)
    adult = adulthood(birth)
    # The appointment is known to the month (PNS) or to the year (PPPK): compare at that precision.
    appointed, earliest = ((year, month), (adult.year, adult.month)) if month else (year, adult.year)
    if appointed < earliest:
        raise NipError(MSG_APPOINTMENT_AGE, "appointment_age")
    return year, month, kind


def _parse_gender(digit: str) -> Literal["M", "F"]:
    if digit == "1":
        return "M"
    if digit == "2":
        return "F"
    raise NipError(MSG_GENDER, "gender")
