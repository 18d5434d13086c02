"""Announcements: one message from an admin to a segment of a retreat's officials (DESIGN §5 contract).

The request only writes the announcement and a fan-out row due at `send_at` (now when null); beat's scan on the
bulk queue writes one notification per official, so 10,000 recipients never hold up events. The Idempotency-Key
makes a repeated request answer the same and send nothing again; the same key with another body is refused."""
from __future__ import annotations

import uuid
from typing import Mapping

from sqlalchemy import func, select

from retret import clock
from retret.db import insert_ignore
from retret.http.errors import ApiError
from retret.http.idempotency import key_reused, request_hash
from retret.queues import NOTIFICATIONS, queue_name
from retret.timezones import in_zone

from . import fanouts
from .context import context
from .domain.lifecycle import STATUSES
from .domain.messages import CHANNELS
from .models import Announcement, Fanout, Notification, Recipient, Retreat


def create_announcement(key: str, body: Mapping, user: str | None) -> tuple[dict, bool]:
    """(the answer, whether it was created now); the same key and body answer what the first request answered.
    `key` is the request's Idempotency-Key, checked by the API (retret.http.idempotency)."""
    audience = {name: list((body.get("audience") or {}).get(name) or []) for name in
                ("units", "position_kinds", "groups", "statuses")}
    digest = request_hash({**body, "audience": audience})
    retreat_id = str(body["retreat_id"])
    with context.bus.unit_of_work() as session:
        if session.get(Retreat, retreat_id) is None:
            raise ApiError(404, "Retret tidak ditemukan.", code="retreat_not_found")
        now = clock.now()
        send_at = clock.as_utc(body["send_at"]) if body.get("send_at") else now
        audience_of = fanouts.audience_clause(retreat_id, audience)
        count = session.scalar(select(func.count()).select_from(Recipient).where(*audience_of))
        new_id = insert_ignore(session, Announcement, dict(
            id=str(uuid.uuid4()), idempotency_key=key, request_hash=digest, retreat_id=retreat_id, audience=audience,
            channels=list(body["channels"]), subject=body["subject"], body=body["body"], send_at=send_at,
            recipients=count, status="scheduled", created_by=user, created_at=now,
        ), keys=["idempotency_key"], returning=Announcement.id)
        if new_id is None:
            existing = session.execute(select(Announcement).where(Announcement.idempotency_key == key)
                                       ).scalar_one()
            if existing.request_hash != digest:
                raise key_reused("Idempotency-Key ini sudah dipakai untuk pengumuman lain.")
            return _answer(existing), False
        session.add(Fanout(id=str(uuid.uuid4()), key=f"announcement:{new_id}", retreat_id=retreat_id,
                           kind="announcement", due_at=send_at, until=None, data={"announcement_id": new_id},
                           created_at=now, updated_at=now))
        answer = _answer(session.get(Announcement, new_id))
    if send_at <= clock.now():
        context.bus.send_soon(f"{NOTIFICATIONS}.scan_due", [], queue_name(NOTIFICATIONS, bulk=True))
    return answer, True


def _answer(row: Announcement) -> dict:
    return {"id": row.id, "recipients": row.recipients, "status": row.status, "send_at": row.send_at}


def get_announcement(announcement_id: str) -> dict:
    try:
        uuid.UUID(announcement_id)
    except ValueError:
        raise _not_found() from None
    with context.db.session() as session:
        row = session.get(Announcement, announcement_id)
        if row is None:
            raise _not_found()
        retreat = session.get(Retreat, row.retreat_id)
        tz = retreat.timezone if retreat else None
        delivery = {c: {s: 0 for s in STATUSES} for c in CHANNELS}
        fanout = session.execute(select(Fanout).where(Fanout.key == f"announcement:{row.id}")).scalar_one()
        stmt = (select(Notification.channel, Notification.status, func.count())
                .where(Notification.event_id == fanouts.event_id_of(fanout))
                .group_by(Notification.channel, Notification.status))
        for channel, status, count in session.execute(stmt):
            delivery[channel][status] = count
        return {
            "id": row.id, "retreat_id": row.retreat_id, "audience": row.audience, "channels": row.channels,
            "subject": row.subject, "body": row.body, "send_at": in_zone(row.send_at, tz),
            "recipients": row.recipients, "status": row.status, "created_at": in_zone(row.created_at, tz),
            "sent_at": in_zone(row.fanned_out_at, tz), "messages": fanout.recipients,
            "delivery": {c: {"total": sum(v.values()), "statuses": v} for c, v in delivery.items()},
        }


def _not_found() -> ApiError:
    return ApiError(404, "Pengumuman tidak ditemukan.", code="announcement_not_found")
