"""Who the messages reached: `GET /reports/retreats/{id}/notifications`, computed from plain facts.

Rules (issue 7, DESIGN §5):
- every message of the retreat counts once, under its channel and status (every status listed, zeros included) and
  under its kind: `delivered`, `sent` (accepted, no delivery report: email never gets one), `pending` (created,
  sending, temporary-failure: still on its way) and `failed` (permanent-failure, technical-failure);
- an open registration (invited, confirmed, waitlisted) is *unreached* when it has messages and every one of them
  failed; one message still on its way (or sent) means it is not unreached yet. Its reason is `no_contact` when the
  latest failure is the one notifications writes for an official with neither email nor phone, else `all_failed`
  (the latest, because a contact may have been added, or removed, since an earlier message).

Reporting never holds a contact: only the notification's error text tells that there was none.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from retret.events.catalogue import NOTIFICATION_STATUSES

CHANNELS = ("email", "sms")
DELIVERED = "delivered"
SENT = "sent"
FAILED = frozenset({"permanent-failure", "technical-failure"})
OPEN_REGISTRATION = frozenset({"invited", "confirmed", "waitlisted"})
# The error notifications writes (notifications.messaging.NO_CONTACT) on the row of an official it cannot reach by
# any channel; a test keeps the two equal.
NO_CONTACT_ERROR = "no email and no phone number: nobody to send to"
NO_CONTACT, ALL_FAILED = "no_contact", "all_failed"


@dataclass(frozen=True)
class MessageFacts:
    registration_id: str | None
    channel: str
    kind: str
    status: str
    sequence: int = 0
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    @property
    def no_contact(self) -> bool:
        return self.failed and self.error == NO_CONTACT_ERROR


@dataclass(frozen=True)
class RosterFacts:
    registration_id: str
    status: str | None
    nip: str | None = None
    name: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None


def channel_counts(messages: Iterable[MessageFacts]) -> dict[str, dict[str, int]]:
    """Per channel (email and sms always listed): `total` and one count per status."""
    channels = {channel: _empty_channel() for channel in CHANNELS}
    for message in messages:
        bucket = channels.setdefault(message.channel, _empty_channel())
        bucket["total"] += 1
        bucket[message.status] = bucket.get(message.status, 0) + 1
    return channels


def _empty_channel() -> dict[str, int]:
    return {"total": 0, **{status: 0 for status in NOTIFICATION_STATUSES}}


def kind_counts(messages: Iterable[MessageFacts]) -> dict[str, dict[str, int]]:
    """Per message kind: total, delivered, sent, pending, failed (the four add up to total)."""
    kinds: dict[str, Counter] = {}
    for message in messages:
        kinds.setdefault(message.kind, Counter())[_outcome(message.status)] += 1
    return {kind: {"total": sum(c.values()), **{k: c[k] for k in ("delivered", "sent", "pending", "failed")}}
            for kind, c in sorted(kinds.items())}


def _outcome(status: str) -> str:
    if status == DELIVERED:
        return "delivered"
    if status == SENT:
        return "sent"
    return "failed" if status in FAILED else "pending"


def unreached(roster: Iterable[RosterFacts], messages: Iterable[MessageFacts]) -> list[dict]:
    """Open registrations every message to which failed, by unit code, name and id."""
    by_registration: dict[str, list[MessageFacts]] = {}
    for message in messages:
        if message.registration_id:
            by_registration.setdefault(message.registration_id, []).append(message)
    items = []
    for person in roster:
        sent = by_registration.get(person.registration_id, ())
        if person.status not in OPEN_REGISTRATION or not sent or not all(m.failed for m in sent):
            continue
        latest = max(sent, key=lambda m: m.sequence)
        items.append({"registration_id": person.registration_id, "nip": person.nip, "name": person.name,
                      "unit_code": person.unit_code, "unit_name": person.unit_name, "status": person.status,
                      "reason": NO_CONTACT if latest.no_contact else ALL_FAILED, "messages": len(sent)})
    return sorted(items, key=lambda i: (i["unit_code"] is None, i["unit_code"] or "", i["name"] or "",
                                        i["registration_id"]))


def reach_report(retreat_id: str, roster: Iterable[RosterFacts], messages: Iterable[MessageFacts],
                 as_of: Mapping[str, int]) -> dict:
    """`GET /reports/retreats/{id}/notifications`."""
    messages = tuple(messages)
    items = unreached(roster, messages)
    return {"retreat_id": retreat_id, "channels": channel_counts(messages), "kinds": kind_counts(messages),
            "unreached": {"total": len(items), "items": items},
            "as_of": {"registration": int(as_of.get("registration", 0)),
                      "notifications": int(as_of.get("notifications", 0))}}
