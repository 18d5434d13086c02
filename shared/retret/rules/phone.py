"""Indonesian mobile phone numbers, stored as E.164 (``+628...``).

Parsing and validation are delegated to ``phonenumbers`` (Google's
libphonenumber metadata); we only add the policy on top: Indonesian,
mobile, and typed in one of the forms we document to users.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

REGION = "ID"
COUNTRY_CODE = 62

MSG_INVALID = "Nomor HP tidak valid. Gunakan format 08xx atau +628xx."
MSG_NOT_INDONESIAN = "Nomor HP harus nomor Indonesia. Gunakan format 08xx atau +628xx."
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


def normalize_phone(raw: str) -> str:
    """Return ``raw`` as E.164 (e.g. ``+6281234567890``) or raise PhoneError."""
    number = _parse(raw)
    if number.country_code != COUNTRY_CODE:
        raise PhoneError(MSG_NOT_INDONESIAN, "not_indonesian")
    if not phonenumbers.is_valid_number_for_region(number, REGION):
        raise PhoneError(MSG_INVALID, "invalid")
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise PhoneError(MSG_NOT_MOBILE, "not_mobile")
    # Belt and braces on top of the metadata: we send WhatsApp/SMS to this.
    if not _MOBILE_NSN.fullmatch(phonenumbers.national_significant_number(number)):
        raise PhoneError(MSG_NOT_MOBILE, "not_mobile")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


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
    try:
        # Region "ID" makes "08..." and bare "62..." resolve to Indonesia.
        return phonenumbers.parse(compact, REGION)
    except NumberParseException:
        raise PhoneError(MSG_INVALID, "invalid") from None
