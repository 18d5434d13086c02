"""Fields and helpers every registration schema uses. Messages in Bahasa Indonesia."""
from __future__ import annotations

import numbers
import re
from functools import lru_cache
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email
from marshmallow import Schema, ValidationError, fields, pre_load

from retret import clock
from retret.rules.nip import NipError, validate_nip
from retret.rules.phone import PhoneError, normalize_phone

from ..context import context

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MSG_CONTROL = "Tidak boleh mengandung karakter kontrol."
MSG_BLANK = "Tidak boleh kosong."


class Text(fields.String):
    """Free text: any printable text up to `max` characters, trimmed; control characters refused."""

    def __init__(self, max: int, min: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.min_length, self.max_length = min, max

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL.search(text):
            raise ValidationError(MSG_CONTROL)
        if len(text) < self.min_length:
            raise ValidationError(MSG_BLANK if self.min_length == 1 else f"Minimal {self.min_length} karakter.")
        if len(text) > self.max_length:
            raise ValidationError(f"Maksimal {self.max_length} karakter.")
        return text


class Nip(fields.String):
    """A NIP, checked by retret.rules.nip and returned normalised (18 digits)."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return validate_nip(raw[:100], today=clock.now().date())
        except NipError as exc:
            raise ValidationError(exc.message) from None


class Phone(fields.String):
    """A mobile number, returned as E.164: Indonesian, or of a country the site accepts (PHONE_FOREIGN_REGIONS)."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalize_phone(raw[:40], context.settings.phone_foreign_regions)
        except PhoneError as exc:
            raise ValidationError(exc.message) from None


# email-validator's reasons (English) → what an organiser reads; the first matching fragment wins.
_EMAIL_REASONS = (
    ("must have an @-sign", "Alamat email harus memuat tanda @."),
    ("something before the @-sign", "Alamat email harus memuat nama sebelum tanda @."),
    ("something after the @-sign", "Alamat email harus memuat nama domain setelah tanda @."),
    ("too long", "Alamat email terlalu panjang."),
    ("two periods in a row", "Alamat email tidak boleh memuat dua titik berturut-turut."),
    ("display name", "Tulis alamat email saja, tanpa nama atau tanda < >."),
    ("special-use or reserved name", "Nama domain setelah tanda @ adalah nama khusus yang tidak bisa menerima email."),
    ("should have a period", "Nama domain setelah tanda @ tidak lengkap (mis. malangkota.go.id)."),
    ("top-level domain", "Nama domain setelah tanda @ tidak lengkap (mis. malangkota.go.id)."),
    ("before the @-sign", "Bagian sebelum tanda @ memuat karakter yang tidak diperbolehkan."),
    ("after the @-sign", "Bagian setelah tanda @ (nama domain) tidak valid."),
)
MSG_EMAIL = "Alamat email tidak valid."
MSG_EMAIL_LONG = "Alamat email terlalu panjang (maksimal 254 karakter)."


class Email(fields.String):
    """An email address checked by email-validator for its syntax only (never a DNS look-up), normalised."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(raw) > 254:
            raise ValidationError(MSG_EMAIL_LONG)
        try:
            return validate_email(raw, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            reason = str(exc)
            raise ValidationError(next((message for fragment, message in _EMAIL_REASONS if fragment in reason),
                                       MSG_EMAIL)) from None



class StrictFloat(fields.Float):
    """A JSON number (not a string, not a boolean)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _zones():
        raise ValidationError("Zona waktu tidak dikenal; gunakan nama IANA, mis. Asia/Jakarta.")


class BlankIsNone:
    """Mixin: optional fields sent as "" (forms, spreadsheets) mean 'no value'."""
    OPTIONAL_BLANK: tuple[str, ...] = ()

    @pre_load
    def _blank_is_none(self, data, **_kwargs):
        if isinstance(data, dict):
            return {k: (None if k in self.OPTIONAL_BLANK and isinstance(v, str) and not v.strip() else v)
                    for k, v in data.items()}
        return data


class ListOf(Schema):
    next_cursor = fields.String(allow_none=True)


def list_schema(name: str, item: type[Schema]) -> type[Schema]:
    return type(name, (ListOf,), {"items": fields.List(fields.Nested(item))})
