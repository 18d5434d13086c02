"""The data of the events registration emits, shaped exactly as retret.events.catalogue declares them."""
from __future__ import annotations

from retret import clock

from .domain.officials import OFFICIAL_FIELDS
from .models import Official, Registration, Retreat


def _aware(value):
    return clock.as_utc(value) if value is not None else None


def official_data(official: Official) -> dict:
    return {name: getattr(official, name) for name in OFFICIAL_FIELDS}


def retreat_brief(retreat: Retreat) -> dict:
    return {"code": retreat.code, "title": retreat.title, "venue": retreat.venue, "timezone": retreat.timezone,
            "starts_on": retreat.starts_on, "ends_on": retreat.ends_on,
            "response_deadline": _aware(retreat.response_deadline)}


def retreat_data(retreat: Retreat, old_starts_on=None, old_ends_on=None) -> dict:
    return {
        "retreat_id": retreat.id, "code": retreat.code, "title": retreat.title, "organizer": retreat.organizer,
        "venue": retreat.venue, "timezone": retreat.timezone, "starts_on": retreat.starts_on,
        "ends_on": retreat.ends_on, "status": retreat.status, "attendance_threshold": retreat.attendance_threshold,
        "late_tolerance_minutes": retreat.late_tolerance_minutes, "capacity": retreat.capacity,
        "response_deadline": _aware(retreat.response_deadline),
        "old_starts_on": old_starts_on, "old_ends_on": old_ends_on,
    }


def participant_invited(registration: Registration, invitation_url: str) -> dict:
    return {
        "registration_id": registration.id, "retreat_id": registration.retreat_id, "status": registration.status,
        "official": official_data(registration.official), "retreat": retreat_brief(registration.retreat),
        "invitation_url": invitation_url,
    }


def registration_status(registration: Registration, invitation_url: str | None) -> dict:
    return {
        "registration_id": registration.id, "retreat_id": registration.retreat_id, "status": registration.status,
        "reason": registration.reason, "official": official_data(registration.official),
        "retreat": retreat_brief(registration.retreat), "invitation_url": invitation_url,
        "shirt_size": registration.shirt_size, "health_notes": registration.health_notes,
        "emergency_contact": registration.emergency_contact,
    }


def participant_updated(official: Official, changed: list[str], registration_ids: list[str]) -> dict:
    return {"nip": official.nip, "registration_ids": registration_ids, "changed": changed,
            "official": official_data(official)}
