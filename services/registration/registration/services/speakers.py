"""Speakers (narasumber): add, list, read, edit. speaker.updated on creation and on each change subscribers see."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from retret.http.pagination import keyset_page

from ..context import context
from ..domain import agenda, retreats as retreat_rules
from ..event_data import speaker_data
from ..models import Speaker
from ..views import speaker_view
from .common import created_cursor, get_owned, get_retreat

SPEAKER_NOT_FOUND = "Narasumber tidak ditemukan."


def get_speaker(session: Session, speaker_id: str, lock: bool = False) -> Speaker:
    """The speaker (404 otherwise); with `lock`, its retreat is locked first."""
    return get_owned(session, Speaker, speaker_id, SPEAKER_NOT_FOUND, lock)


def _record(session: Session, speaker: Speaker) -> None:
    context.bus.record(session, "speaker.updated", speaker_data(speaker), retreat_id=speaker.retreat_id)


def create_speaker(retreat_id: str, data: dict) -> dict:
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        retreat_rules.check_editable(retreat.status)
        speaker = Speaker(retreat=retreat, **data)
        session.add(speaker)
        session.flush()
        _record(session, speaker)
        return speaker_view(speaker)


def list_speakers(retreat_id: str, args: dict) -> dict:
    """In the order they were added (the organiser adds the keynote first)."""
    with context.db.session() as session:
        retreat = get_retreat(session, retreat_id)
        stmt = select(Speaker).where(Speaker.retreat_id == retreat.id)
        if args.get("status"):
            stmt = stmt.where(Speaker.status == args["status"])
        rows, cursor = keyset_page(session, stmt, [Speaker.created_at, Speaker.id], args, created_cursor)
        return {"items": [speaker_view(s) for s in rows], "next_cursor": cursor}


def read_speaker(speaker_id: str) -> dict:
    with context.db.session() as session:
        return speaker_view(get_speaker(session, speaker_id))


def update_speaker(speaker_id: str, data: dict) -> dict:
    """Apply the fields sent; a change of what subscribers see (not the notes alone) emits speaker.updated."""
    with context.bus.unit_of_work() as session:
        speaker = get_speaker(session, speaker_id, lock=True)
        retreat_rules.check_editable(speaker.retreat.status)
        before = speaker_data(speaker)
        for name in agenda.changed_fields({name: getattr(speaker, name) for name in data}, data):
            setattr(speaker, name, data[name])
        session.flush()
        if speaker_data(speaker) != before:
            _record(session, speaker)
        return speaker_view(speaker)
