"""Fields and helpers every registration schema uses. Messages in Bahasa Indonesia."""
from __future__ import annotations

import numbers
import re
from functools import lru_cache
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, pre_load

from retret import clock
from retret.rules.nip import NipError, validate_nip
from retret.rules.phone import PhoneError, normalize_phone

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
    """An Indonesian mobile number, returned as E.164."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalize_phone(raw[:40])
        except PhoneError as exc:
            raise ValidationError(exc.message) from None


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
