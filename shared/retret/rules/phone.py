"""Mobile phone numbers, stored as E.164 (``+628...``).

Parsing and validation are delegated to ``phonenumbers`` (Google's
libphonenumber metadata); we only add the policy on top: mobile, typed in
one of the forms we document to users, and Indonesian unless the site
accepts other countries (``foreign_regions``: ISO 3166 region codes such as
``{"SG", "MY"}``, or ``{"*"}`` for any; the services read it from the
PHONE_FOREIGN_REGIONS setting). A foreign number is only ever accepted in
its international ``+CC`` form: ``0..`` and ``62..`` always mean Indonesia.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

REGION = "ID"
COUNTRY_CODE = 62
ANY_REGION = "*"

MSG_INVALID = "Nomor HP tidak valid. Gunakan format 08xx atau +628xx."
MSG_NOT_INDONESIAN = "Nomor HP harus nomor Indonesia. Gunakan format 08xx atau +628xx."
MSG_REGION_NOT_ALLOWED = "Nomor HP dari negara tersebut tidak diterima; gunakan nomor Indonesia atau nomor dari: {}."
MSG_NOT_MOBILE = (
    "Nomor tersebut adalah nomor telepon rumah/kantor. "
    "Gunakan nomor HP (seluler) dengan format 08xx atau +628xx."
)

# Only digits, an optional leading "+", and separators.  phonenumbers itself is
# far more lenient (it reads "0812 FLOWERS" as a vanity number and
# "... ext 5" as an extension), which we never want in a contact field.
_ALLOWED = re.compile(r"\+?[0-9\s().\-]+")
_SEPARATORS = re.compile(r"[\s().\-]+")
# The documented entry forms are 08.., +62.., 62.. (country code without "+").
# Deliberately a little wider: any national "0.." form and any "+.." form get
# through to phonenumbers, so that a landline (0341-551234) or a foreign
# number (+65..) gets a specific message instead of a generic one.  Bare
# "812..." is refused: it is not a form we tell users to type.
_ACCEPTED_PREFIX = re.compile(r"(0|\+|62)")

_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# National significant number (no trunk "0"): 8 + 8..11 digits, i.e. 10-13
# digits when written nationally as 08xx...
_MOBILE_NSN = re.compile(r"8[0-9]{8,11}")


class PhoneError(ValueError):
    """Invalid phone number; ``message`` is user-facing (Bahasa Indonesia)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def normalize_phone(raw: str, foreign_regions: Collection[str] = frozenset()) -> str:
    """Return ``raw`` as E.164 (e.g. ``+6281234567890``) or raise PhoneError.

    ``foreign_regions``: the other countries whose mobiles are accepted (in ``+CC`` form); none by default."""
    number = _parse(raw)
    if number.country_code == COUNTRY_CODE:
        _check_indonesian_mobile(number)
    else:
        _check_foreign_mobile(number, foreign_regions)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def parse_regions(values: Iterable[str]) -> frozenset[str]:
    """Setting values ("sg", " MY", "*") → region codes; ValueError naming an unknown one."""
    regions = frozenset(value.strip().upper() for value in values if value.strip())
    unknown = sorted(regions - phonenumbers.SUPPORTED_REGIONS - {ANY_REGION})
    if unknown:
        raise ValueError(f"unknown region code(s) {', '.join(unknown)}; use ISO 3166 codes such as SG or MY, or *")
    return frozenset({ANY_REGION}) if ANY_REGION in regions else regions


def _check_indonesian_mobile(number: phonenumbers.PhoneNumber) -> None:
    if not phonenumbers.is_valid_number_for_region(number, REGION):
        raise PhoneError(MSG_INVALID, "invalid")
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise PhoneError(MSG_NOT_MOBILE, "not_mobile")
    # Belt and braces on top of the metadata: we send WhatsApp/SMS to this.
    if not _MOBILE_NSN.fullmatch(phonenumbers.national_significant_number(number)):
        raise PhoneError(MSG_NOT_MOBILE, "not_mobile")


def _check_foreign_mobile(number: phonenumbers.PhoneNumber, foreign_regions: Collection[str]) -> None:
    if not foreign_regions:
        raise PhoneError(MSG_NOT_INDONESIAN, "not_indonesian")
    region = phonenumbers.region_code_for_number(number)  # None when the number fits no region
    if ANY_REGION not in foreign_regions and region not in foreign_regions:
        listed = ", ".join(sorted(foreign_regions))
        raise PhoneError(MSG_REGION_NOT_ALLOWED.format(listed), "not_indonesian")
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(MSG_INVALID, "invalid")
    # FIXED_LINE_OR_MOBILE: countries such as the US cannot tell the two apart.
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise PhoneError(MSG_NOT_MOBILE, "not_mobile")


def _parse(raw: str) -> phonenumbers.PhoneNumber:
    """Check the entry form, then let phonenumbers parse it."""
    if not isinstance(raw, str):
        raise PhoneError(MSG_INVALID, "invalid")
    raw = raw.strip()
    if not _ALLOWED.fullmatch(raw):
        raise PhoneError(MSG_INVALID, "invalid")
    compact = _SEPARATORS.sub("", raw)
    if not _ACCEPTED_PREFIX.match(compact):
        raise PhoneError(MSG_INVALID, "invalid")
    if compact.startswith("62"):
        # The country code without "+": Indonesian numbers are written nationally with their trunk "0", so
        # "62.." is never a national number (left to phonenumbers, a short one such as 62811000000 would be).
        compact = "+" + compact
    try:
        # Region "ID" makes "08..." resolve to Indonesia.
        return phonenumbers.parse(compact, REGION)
    except NumberParseException:
        raise PhoneError(MSG_INVALID, "invalid") from None
