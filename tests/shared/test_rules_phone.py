"""Unit tests for retret.rules.phone."""

import pytest

from retret.rules.phone import (
    MSG_INVALID,
    MSG_NOT_INDONESIAN,
    MSG_NOT_MOBILE,
    PhoneError,
    normalize_phone,
)


def _error(raw) -> PhoneError:
    with pytest.raises(PhoneError) as excinfo:
        normalize_phone(raw)
    return excinfo.value


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "0812.3456.7890",
        "+6281234567890",
        "(0812) 3456 7890",
        "+62 (812) 3456-7890",
        "62 812-3456-7890",
        "  0812 3456 7890  ",
        "0812\u00a03456\u00a07890",  # non-breaking spaces from copy-paste
    ],
)
def test_accepted_forms_normalize_to_e164(raw):
    assert normalize_phone(raw) == "+6281234567890"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812345678", "+62812345678"),  # 10 digits nationally: shortest form
        ("0855-1234-5678", "+6285512345678"),
        ("0881234567890", "+62881234567890"),  # 13 digits nationally
        ("0899 1234 5678", "+6289912345678"),
    ],
)
def test_other_valid_mobiles(raw, expected):
    assert normalize_phone(raw) == expected


def test_normalizing_is_idempotent():
    e164 = normalize_phone("0812-3456-7890")
    assert normalize_phone(e164) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "+",
        "08123",  # too short
        "+6281234567",  # too short
        "08123456789012",  # too long
        "62812345678901234",
        "0812 FLOWERS",  # vanity letters, which phonenumbers would accept
        "081234567890 ext 5",  # extension, which phonenumbers would accept
        "081234567890#",
        "++6281234567890",
        "0812+34567890",
        "81234567890",  # no 0 / 62 prefix: not a documented form
        "00 62 812 3456 7890",  # international dialling prefix
        "0812/3456/7890",
        "\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10",  # full-width
    ],
)
def test_rejects_invalid(raw):
    err = _error(raw)
    assert err.code == "invalid"
    assert err.message == MSG_INVALID == "Nomor HP tidak valid. Gunakan format 08xx atau +628xx."


def test_rejects_non_string():
    assert _error(None).code == "invalid"
    assert _error(81234567890).code == "invalid"


@pytest.mark.parametrize(
    "raw",
    ["0341-551234", "(021) 555-1234", "+62 21 5551234", "62215551234"],
)
def test_rejects_landlines_asking_for_a_mobile(raw):
    err = _error(raw)
    assert err.code == "not_mobile"
    assert err.message == MSG_NOT_MOBILE
    assert "nomor HP (seluler)" in err.message


@pytest.mark.parametrize("raw", ["+1 650 253 0000", "+65 9123 4567"])
def test_rejects_foreign_numbers(raw):
    err = _error(raw)
    assert err.code == "not_indonesian"
    assert err.message == MSG_NOT_INDONESIAN


def test_error_is_value_error_with_message_as_str():
    err = _error("abc")
    assert isinstance(err, ValueError)
    assert str(err) == err.message
