"""Capacity decisions (pure)."""
import pytest

from registration.domain.capacity import frees_place, has_place, initial_status, places_free, promotions


@pytest.mark.parametrize("capacity, active, expected", [
    (None, 0, None), (None, 10_000, None), (3, 0, 3), (3, 2, 1), (3, 3, 0), (3, 5, 0),
])
def test_places_free(capacity, active, expected):
    assert places_free(capacity, active) == expected


@pytest.mark.parametrize("capacity, active, expected", [
    (None, 999, "invited"), (2, 0, "invited"), (2, 1, "invited"), (2, 2, "waitlisted"), (2, 3, "waitlisted"),
])
def test_a_new_registration_waits_only_beyond_capacity(capacity, active, expected):
    assert initial_status(capacity, active) == expected
    assert has_place(capacity, active) is (expected == "invited")


@pytest.mark.parametrize("capacity, active, waiting, expected", [
    (None, 5, 3, 3), (5, 4, 3, 1), (5, 5, 3, 0), (5, 1, 3, 3), (5, 2, 0, 0), (5, 7, 2, 0),
])
def test_promotions_fill_free_places_only(capacity, active, waiting, expected):
    assert promotions(capacity, active, waiting) == expected


@pytest.mark.parametrize("old, new, expected", [
    ("invited", "declined", True), ("confirmed", "declined", True), ("confirmed", "cancelled", True),
    ("invited", "cancelled", True), ("waitlisted", "cancelled", False), ("declined", "cancelled", False),
    ("invited", "confirmed", False), ("declined", "confirmed", False),
])
def test_frees_place(old, new, expected):
    assert frees_place(old, new) is expected
