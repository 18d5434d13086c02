"""retret.timezones: a time shown in a retreat's own zone, never an error for an unknown zone name."""
from datetime import datetime, timedelta, timezone

import pytest

from retret.timezones import DEFAULT_TIMEZONE, in_zone, zone

AT = datetime(2025, 5, 15, 1, 0, tzinfo=timezone.utc)


def test_a_known_zone_by_its_iana_name():
    assert AT.astimezone(zone("Asia/Jakarta")).utcoffset() == timedelta(hours=7)
    assert AT.astimezone(zone(DEFAULT_TIMEZONE)).utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize("name", [None, "", "Not/AZone", "Asia", "../etc/passwd", "a\x00b"])
def test_an_empty_or_unknown_name_is_utc(name):
    assert zone(name) is timezone.utc


def test_in_zone_shows_the_same_instant_with_the_zones_offset():
    shown = in_zone(AT, "Asia/Jayapura")
    assert shown == AT
    assert shown.isoformat() == "2025-05-15T10:00:00+09:00"


def test_in_zone_takes_a_naive_value_as_utc_and_keeps_none():
    assert in_zone(datetime(2025, 5, 15, 1, 0), "Asia/Jakarta").isoformat() == "2025-05-15T08:00:00+07:00"
    assert in_zone(None, "Asia/Jakarta") is None
