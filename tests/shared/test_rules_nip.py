"""Unit and property-based (hypothesis) tests for retret.rules.nip."""

from calendar import monthrange
from dataclasses import FrozenInstanceError
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from retret.rules.nip import (
    KIND_PNS,
    KIND_PPPK,
    MSG_APPOINTMENT_AGE,
    MSG_APPOINTMENT_MONTH,
    MSG_APPOINTMENT_YEAR,
    MSG_BIRTH_DATE,
    MSG_GENDER,
    MSG_LENGTH,
    MSG_SEQUENCE,
    MSG_TOO_YOUNG,
    NipError,
    NipInfo,
    adulthood,
    nip_kind,
    normalize_nip,
    parse_nip,
    validate_nip,
)

TODAY = date(2025, 6, 1)  # so an 18-year-old today was born on 2007-06-01 or earlier; current year + 1 == 2026
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
        "20250602",  # in the future
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
    # 18 years old exactly today, appointed this month.
    assert parse_nip("200706012025061001", today=TODAY).birth_date == date(2007, 6, 1)


@pytest.mark.parametrize("birth", ["20070602", "20100101", "20241231"])
def test_rejects_a_birth_date_younger_than_18_today(birth):
    err = _error(f"{birth}2025061001")
    assert err.message == MSG_TOO_YOUNG
    assert err.code == "birth_date"


def test_age_limit_moves_with_today():
    nip = "200801012026011001"
    assert _error(nip, today=date(2025, 12, 31)).message == MSG_TOO_YOUNG
    assert validate_nip(nip, today=date(2026, 1, 1)) == nip


def test_leap_day_birth_turns_18_on_28_february():
    assert validate_nip("200402292022021001", today=date(2022, 2, 28))
    assert _error("200402292022021001", today=date(2022, 2, 27)).message == MSG_TOO_YOUNG


# --- appointment year / month ----------------------------------------------


def test_pns_appointment_not_before_the_month_of_the_18th_birthday():
    # Born 26 September 1986: 18 on 26 September 2004.
    assert validate_nip("198609262004091001", today=TODAY)  # that month: not before it
    assert validate_nip("198609262005011001", today=TODAY)
    for appointed in ("200408", "200312", "198609"):
        err = _error(f"19860926{appointed}1001")
        assert err.message == MSG_APPOINTMENT_AGE
        assert err.code == "appointment_age"


def test_pppk_appointment_not_before_the_year_of_the_18th_birthday():
    # PPPK digits 13-14 are a contract count: only the year is compared.
    assert parse_nip("199012312008211001", today=TODAY).kind == KIND_PPPK
    err = _error("199012312007211001")
    assert (err.code, err.message) == ("appointment_age", MSG_APPOINTMENT_AGE)


def test_appointment_year_may_be_next_year_but_not_later():
    assert parse_nip("198609262026011001", today=TODAY).appointment_year == 2026
    assert _error("198609262027011001").message == MSG_APPOINTMENT_YEAR


def test_pppk_appointment_year_is_checked_too():
    assert _error("199001012027211001").code == "appointment_year"
    assert _error("199001012004211001").code == "appointment_age"


def test_appointment_month_zero_is_invalid():
    err = _error("198609262015001001")
    assert err.message == MSG_APPOINTMENT_MONTH
    assert err.code == "appointment_month"


def test_nip_kind_of_a_stored_number():
    assert nip_kind(EXAMPLE) == KIND_PNS
    assert nip_kind("199001012022211001") == KIND_PPPK


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


# --- properties (hypothesis) -------------------------------------------------

# Everyone 18 or older on TODAY (2007-06-01 is 18 exactly).
BIRTHS = st.dates(min_value=date(1940, 1, 1), max_value=date(TODAY.year - 18, TODAY.month, TODAY.day))
GENDERS = st.sampled_from("12")
SEQUENCES = st.integers(1, 999)
SEPARATORS = st.sampled_from(["", "", "", " ", ".", "-", "\t", " - ", ". "])


@st.composite
def pns_nips(draw) -> str:
    birth = draw(BIRTHS)
    adult = adulthood(birth)
    first = adult.year * 12 + adult.month - 1  # months since year 0, to draw (year, month) in order
    appointed = draw(st.integers(first, (TODAY.year + 1) * 12 + 11))
    year, month = divmod(appointed, 12)
    return f"{birth:%Y%m%d}{year:04d}{month + 1:02d}{draw(GENDERS)}{draw(SEQUENCES):03d}"


@st.composite
def pppk_nips(draw) -> str:
    birth = draw(BIRTHS)
    year = draw(st.integers(adulthood(birth).year, TODAY.year + 1))
    return f"{birth:%Y%m%d}{year:04d}{draw(st.integers(13, 99)):02d}{draw(GENDERS)}{draw(SEQUENCES):03d}"


VALID_NIPS = st.one_of(pns_nips(), pppk_nips())


@st.composite
def typed(draw, nip: str) -> str:
    """The NIP as a person might type it: separators anywhere between digits, spaces around."""
    parts = [nip[0]] + [draw(SEPARATORS) + digit for digit in nip[1:]]
    return draw(st.sampled_from(["", " ", "  "])) + "".join(parts) + draw(st.sampled_from(["", " ", "\n"]))


@given(st.data())
def test_property_valid_nips_parse_to_themselves_with_any_separators(data):
    nip = data.draw(VALID_NIPS)
    raw = data.draw(typed(nip))
    info = parse_nip(raw, today=TODAY)
    assert info.nip == nip
    assert info.kind == nip_kind(nip) == (KIND_PPPK if int(nip[12:14]) > 12 else KIND_PNS)
    assert (info.appointment_month is None) == (info.kind == KIND_PPPK)
    assert info.gender == ("M" if nip[14] == "1" else "F")


@given(st.one_of(st.text(), st.text(alphabet="0123456789 .-", max_size=30),
                 st.integers(), st.none(), st.floats(), st.binary()))
@settings(max_examples=300)
def test_property_any_input_raises_only_nip_error(raw):
    try:
        info = parse_nip(raw, today=TODAY)
    except NipError as exc:
        assert exc.code in {"length", "birth_date", "appointment_year", "appointment_month", "appointment_age",
                            "gender", "sequence"}
        assert exc.message
    else:
        assert len(info.nip) == 18


@given(VALID_NIPS, st.sampled_from("03456789"))
def test_property_corrupted_gender_digit_is_refused(nip, digit):
    assert _error(nip[:14] + digit + nip[15:]).code == "gender"


@st.composite
def impossible_dates(draw) -> str:
    year, month = draw(st.integers(1940, 2000)), draw(st.integers(1, 12))
    kind = draw(st.sampled_from(["month", "day", "zero_day"]))
    if kind == "month":
        return f"{year}{draw(st.sampled_from([0] + list(range(13, 100)))):02d}01"
    if kind == "zero_day":
        return f"{year}{month:02d}00"
    return f"{year}{month:02d}{draw(st.integers(monthrange(year, month)[1] + 1, 99)):02d}"


@given(VALID_NIPS, impossible_dates())
def test_property_impossible_birth_date_is_refused(nip, birth):
    err = _error(birth + nip[8:])
    assert (err.code, err.message) == ("birth_date", MSG_BIRTH_DATE)


@given(st.data())
def test_property_appointment_before_the_18th_birthday_is_refused(data):
    birth = data.draw(BIRTHS)
    adult = adulthood(birth)
    if data.draw(st.booleans()):  # PNS: any month before the birthday's month
        appointed = data.draw(st.integers(1940 * 12, adult.year * 12 + adult.month - 2))
        year, month = divmod(appointed, 12)
        code = f"{month + 1:02d}"
    else:  # PPPK: any year before the birthday's year
        year, code = data.draw(st.integers(1940, adult.year - 1)), f"{data.draw(st.integers(13, 99)):02d}"
    err = _error(f"{birth:%Y%m%d}{year:04d}{code}1001")
    assert (err.code, err.message) == ("appointment_age", MSG_APPOINTMENT_AGE)
