"""Dates and times as people read them in messages: Indonesian by default ("Kamis, 15 Mei 2025", "08.00 WIB"),
English as second language, always in the retreat's time zone (`retret.timezones`; no zone named → WIB). Day and
month names come from Babel (CLDR)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from babel.dates import format_date as babel_format_date

from retret.timezones import DEFAULT_TIMEZONE, in_zone

# Indonesia's three zones (and their other IANA names) by their everyday abbreviations.
TIMEZONE_LABELS = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}
LANGUAGES = ("id", "en")


def timezone_label(name: str | None, at: datetime | None = None) -> str:
    """"WIB" for Asia/Jakarta; for zones outside Indonesia the UTC offset ("UTC+09:00")."""
    name = name or DEFAULT_TIMEZONE
    if name in TIMEZONE_LABELS:
        return TIMEZONE_LABELS[name]
    offset = in_zone(at or datetime.now(timezone.utc), name).utcoffset() or timedelta(0)
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    return f"UTC{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def _language(language: str) -> str:
    return language if language in LANGUAGES else "id"


def format_date(value: date, language: str = "id") -> str:
    """"Kamis, 15 Mei 2025" (id) / "Thursday, 15 May 2025" (en)."""
    return babel_format_date(value, "EEEE, d MMMM y", locale=_language(language))


def format_time(value: datetime, tz_name: str | None, language: str = "id") -> str:
    """"08.00 WIB" (id, the Indonesian separator) / "08:00 WIB" (en), in the zone `tz_name`."""
    local = in_zone(value, tz_name or DEFAULT_TIMEZONE)
    separator = "." if _language(language) == "id" else ":"
    return f"{local.hour:02d}{separator}{local.minute:02d} {timezone_label(tz_name, value)}"


def format_datetime(value: datetime, tz_name: str | None, language: str = "id") -> str:
    """"Kamis, 15 Mei 2025 pukul 08.00 WIB" / "Thursday, 15 May 2025 at 08:00 WIB"."""
    local = in_zone(value, tz_name or DEFAULT_TIMEZONE)
    word = "pukul" if _language(language) == "id" else "at"
    return f"{format_date(local.date(), language)} {word} {format_time(value, tz_name, language)}"


def format_date_range(starts_on: date, ends_on: date, language: str = "id") -> str:
    """"Kamis, 15 Mei 2025 s.d. Sabtu, 17 Mei 2025"; one date when both are the same day."""
    if starts_on == ends_on:
        return format_date(starts_on, language)
    word = "s.d." if _language(language) == "id" else "to"
    return f"{format_date(starts_on, language)} {word} {format_date(ends_on, language)}"


def format_date_range_short(starts_on: date, ends_on: date, language: str = "id") -> str:
    """Without day names, for SMS: "15-17 Mei 2025", "30 Mei - 1 Juni 2025", "15 Mei 2025" (one day)."""
    locale = _language(language)
    if starts_on == ends_on:
        return babel_format_date(starts_on, "d MMMM y", locale=locale)
    end = babel_format_date(ends_on, "d MMMM y", locale=locale)
    if (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month):
        return f"{starts_on.day}-{end}"
    start = babel_format_date(starts_on, "d MMMM" if starts_on.year == ends_on.year else "d MMMM y", locale=locale)
    return f"{start} - {end}"


def format_closing(closes_at: datetime, tz_name: str | None, language: str = "id") -> str:
    """When answers stop, as people say it (and as the invitation page shows it): a midnight, which ends a day, is
    written as the last minute of that day ("Sabtu, 17 Mei 2025 pukul 23.59 WIB"), not as 00.00 of the next."""
    local = in_zone(closes_at, tz_name)
    shown = closes_at - timedelta(minutes=1) if (local.hour, local.minute) == (0, 0) else closes_at
    return format_datetime(shown, tz_name, language)
