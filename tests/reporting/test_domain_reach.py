"""Who the messages reached, as pure functions (reporting.domain.reach): no database, no Flask."""
from __future__ import annotations

from retret.events.catalogue import NOTIFICATION_STATUSES

from reporting.domain.reach import (
    NO_CONTACT_ERROR, MessageFacts, RosterFacts, channel_counts, kind_counts, reach_report, unreached,
)


def message(registration_id, status, channel="email", kind="invitation", sequence=1, error=None) -> MessageFacts:
    return MessageFacts(registration_id=registration_id, channel=channel, kind=kind, status=status,
                        sequence=sequence, error=error)


def person(registration_id, status="invited", unit_code="35.73.05", name=None) -> RosterFacts:
    return RosterFacts(registration_id=registration_id, status=status, nip=f"nip-{registration_id}",
                       name=name or f"Pejabat {registration_id}", unit_code=unit_code, unit_name=f"Unit {unit_code}")


def test_the_no_contact_error_is_the_one_notifications_writes():
    from notifications.messaging import NO_CONTACT
    assert NO_CONTACT_ERROR == NO_CONTACT


def test_channels_list_every_status_with_zeros():
    counts = channel_counts([message("a", "delivered", "sms"), message("a", "sent"), message("b", "sent"),
                             message("c", "temporary-failure", "sms")])
    assert set(counts) == {"email", "sms"}
    assert set(counts["email"]) == {"total", *NOTIFICATION_STATUSES}
    assert counts["email"] == {"total": 2, **{s: 0 for s in NOTIFICATION_STATUSES}, "sent": 2}
    assert (counts["sms"]["total"], counts["sms"]["delivered"], counts["sms"]["temporary-failure"]) == (2, 1, 1)
    assert channel_counts([]) == {c: {"total": 0, **{s: 0 for s in NOTIFICATION_STATUSES}} for c in ("email", "sms")}


def test_kinds_split_into_delivered_sent_pending_failed():
    counts = kind_counts([
        message("a", "delivered", "sms"), message("a", "sent"), message("b", "created"), message("b", "sending"),
        message("c", "temporary-failure"), message("c", "permanent-failure"), message("d", "technical-failure"),
        message("a", "sent", kind="confirmation"),
    ])
    assert counts == {
        "confirmation": {"total": 1, "delivered": 0, "sent": 1, "pending": 0, "failed": 0},
        "invitation": {"total": 7, "delivered": 1, "sent": 1, "pending": 3, "failed": 2},
    }
    assert list(counts) == sorted(counts)


def test_unreached_when_every_message_failed():
    roster = [person("a"), person("b"), person("c"), person("d")]
    messages = [
        message("a", "permanent-failure", sequence=1), message("a", "technical-failure", "sms", sequence=2),
        message("b", "permanent-failure"), message("b", "delivered", "sms"),  # one got through
        message("c", "permanent-failure"), message("c", "temporary-failure", "sms"),  # one still on its way
        # d: no message at all (yet): nothing known, not unreached
    ]
    items = unreached(roster, messages)
    assert items == [{"registration_id": "a", "nip": "nip-a", "name": "Pejabat a", "unit_code": "35.73.05",
                      "unit_name": "Unit 35.73.05", "status": "invited", "reason": "all_failed", "messages": 2}]


def test_no_contact_reason_follows_the_latest_failure():
    roster = [person("a"), person("b")]
    messages = [
        message("a", "permanent-failure", error=NO_CONTACT_ERROR, sequence=1),
        message("a", "permanent-failure", kind="response_reminder", error="no email and no phone number: nobody "
                "to send to", sequence=4),
        # b had no contact, then got an email that bounced
        message("b", "permanent-failure", error=NO_CONTACT_ERROR, sequence=2),
        message("b", "permanent-failure", kind="response_reminder", error="550 mailbox unavailable", sequence=5),
    ]
    reasons = {i["registration_id"]: (i["reason"], i["messages"]) for i in unreached(roster, messages)}
    assert reasons == {"a": ("no_contact", 2), "b": ("all_failed", 2)}


def test_only_open_registrations_are_unreached():
    roster = [person(r, status) for r, status in (("i", "invited"), ("c", "confirmed"), ("w", "waitlisted"),
                                                   ("d", "declined"), ("x", "cancelled"))]
    messages = [message(r.registration_id, "permanent-failure", error=NO_CONTACT_ERROR) for r in roster]
    assert {i["registration_id"] for i in unreached(roster, messages)} == {"i", "c", "w"}


def test_unreached_ordered_by_unit_then_name_units_unknown_last():
    roster = [person("a", unit_code=None, name="Ani"), person("b", unit_code="35.73.05", name="Budi"),
              person("c", unit_code="35.73.01", name="Citra"), person("d", unit_code="35.73.05", name="Agus")]
    messages = [message(r.registration_id, "technical-failure") for r in roster]
    assert [i["registration_id"] for i in unreached(roster, messages)] == ["c", "d", "b", "a"]


def test_report_shape_and_as_of():
    body = reach_report("r-1", [person("a")], [message("a", "permanent-failure", error=NO_CONTACT_ERROR),
                                               message(None, "sent", kind="announcement")],
                        {"registration": 7, "notifications": 3, "other": 1})
    assert set(body) == {"retreat_id", "channels", "kinds", "unreached", "as_of"}
    assert body["retreat_id"] == "r-1"
    assert body["as_of"] == {"registration": 7, "notifications": 3}
    assert body["channels"]["email"]["total"] == 2
    assert body["kinds"]["announcement"] == {"total": 1, "delivered": 0, "sent": 1, "pending": 0, "failed": 0}
    assert body["unreached"]["total"] == 1 and body["unreached"]["items"][0]["reason"] == "no_contact"
    assert reach_report("r-1", [], [], {})["as_of"] == {"registration": 0, "notifications": 0}
