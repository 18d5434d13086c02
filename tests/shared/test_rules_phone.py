"""Unit and property-based (hypothesis) tests for retret.rules.phone."""

import pytest
from hypothesis import given, settings, strategies as st

from retret.rules.phone import (
    ANY_REGION,
    MSG_INVALID,
    MSG_NOT_INDONESIAN,
    MSG_NOT_MOBILE,
    PhoneError,
    normalize_phone,
    parse_regions,
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


# --- other countries, where the site accepts them (PHONE_FOREIGN_REGIONS) ----


@pytest.mark.parametrize(("raw", "expected"), [("+65 8123 4567", "+6581234567"), ("+60 12-345 6789", "+60123456789")])
def test_foreign_mobiles_accepted_from_configured_regions(raw, expected):
    assert normalize_phone(raw, frozenset({"SG", "MY"})) == expected
    assert normalize_phone(raw, frozenset({ANY_REGION})) == expected


def test_foreign_mobile_from_another_region_is_refused_naming_the_accepted_ones():
    with pytest.raises(PhoneError) as excinfo:
        normalize_phone("+61 412 345 678", frozenset({"SG", "MY"}))
    assert excinfo.value.code == "not_indonesian"
    assert "MY, SG" in excinfo.value.message


def test_foreign_landline_and_invalid_number_are_refused_even_when_the_region_is_accepted():
    assert _foreign_error("+65 6123 4567").code == "not_mobile"  # a Singapore landline
    assert _foreign_error("+65 1234").code == "invalid"


def test_national_forms_always_mean_indonesia():
    # "0.." and "62.." are Indonesian whatever is configured: a foreign number needs its "+CC".
    assert normalize_phone("081234567890", frozenset({ANY_REGION})) == "+6281234567890"
    assert _foreign_error("0341-551234").code == "not_mobile"
    assert normalize_phone("+1 201 555 0123", frozenset({"US"})) == "+12015550123"  # fixed line or mobile


def _foreign_error(raw) -> PhoneError:
    with pytest.raises(PhoneError) as excinfo:
        normalize_phone(raw, frozenset({ANY_REGION}))
    return excinfo.value


@pytest.mark.parametrize(("values", "expected"), [
    ([], frozenset()), (["sg", " MY ", ""], frozenset({"SG", "MY"})), (["SG", "*"], frozenset({ANY_REGION})),
])
def test_parse_regions(values, expected):
    assert parse_regions(values) == expected


def test_parse_regions_refuses_unknown_codes():
    with pytest.raises(ValueError, match="XX"):
        parse_regions(["SG", "XX"])


# --- properties (hypothesis) -------------------------------------------------

# Operator prefixes (after the trunk 0) and national significant numbers of 9-12 digits: 08xx numbers of 10-13
# digits, all of which libphonenumber's metadata knows as mobile.
OPERATORS = ["811", "812", "813", "814", "815", "816", "817", "818", "819", "821", "822", "823", "831", "832", "833",
             "838", "851", "852", "853", "855", "856", "857", "858", "859", "877", "878", "881", "882", "883", "884",
             "885", "886", "887", "888", "889", "895", "896", "897", "898", "899"]
SEPARATORS = st.sampled_from(["", "", "", " ", "-", ".", " - ", "\u00a0"])


@st.composite
def mobile_nsns(draw) -> str:
    """A national significant number of an Indonesian mobile, e.g. 81234567890."""
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=9))
    return draw(st.sampled_from(OPERATORS)) + rest


@st.composite
def written(draw, digits: str) -> str:
    """`digits` with random separators between them and spaces around."""
    out = digits[0] + "".join(draw(SEPARATORS) + digit for digit in digits[1:])
    return draw(st.sampled_from(["", " "])) + out + draw(st.sampled_from(["", " "]))


@given(st.data())
def test_property_every_written_form_of_a_mobile_normalises_to_the_same_e164(data):
    nsn = data.draw(mobile_nsns())
    forms = ["0" + nsn, "+62" + nsn, "62" + nsn]
    results = {normalize_phone(data.draw(written(form))) for form in forms}
    assert results == {"+62" + nsn}


@given(st.sampled_from([("21", 7, 8), ("22", 7, 8), ("31", 7, 8), ("341", 6, 7), ("274", 6, 7), ("361", 6, 7)]),
       st.data())
def test_property_landlines_are_refused_as_not_mobile(area, data):
    code, shortest, longest = area
    subscriber = data.draw(st.sampled_from("2345679")) + data.draw(
        st.text(alphabet="0123456789", min_size=shortest - 1, max_size=longest - 1))
    prefix = data.draw(st.sampled_from(["0", "+62", "62"]))
    err = _error(data.draw(written(prefix + code + subscriber)))
    assert (err.code, err.message) == ("not_mobile", MSG_NOT_MOBILE)


@given(st.one_of(st.text(), st.text(alphabet="0123456789+-. ()", max_size=25), st.integers(), st.none(),
                 st.floats(), st.binary()))
@settings(max_examples=300)
def test_property_any_input_raises_only_phone_error(raw):
    try:
        e164 = normalize_phone(raw)
    except PhoneError as exc:
        assert exc.code in {"invalid", "not_indonesian", "not_mobile"} and exc.message
    else:
        assert e164.startswith("+628") and e164[1:].isdigit()


def test_the_setting_reaches_the_common_settings(monkeypatch):
    from retret.config import ConfigError, load_common
    assert load_common("registration").phone_foreign_regions == frozenset()
    monkeypatch.setenv("PHONE_FOREIGN_REGIONS", "sg, my")
    assert load_common("registration").phone_foreign_regions == frozenset({"SG", "MY"})
    monkeypatch.setenv("PHONE_FOREIGN_REGIONS", "SG,XX")
    with pytest.raises(ConfigError, match="PHONE_FOREIGN_REGIONS"):
        load_common("registration")
