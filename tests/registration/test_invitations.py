"""The official's side through the invitation link: view, confirm (idempotent), decline, the response window."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeSerializer

from retret.events.catalogue import event_type
from retret_testing.http import assert_problem

WIB = timezone(timedelta(hours=7))
BEFORE = datetime(2025, 5, 10, 9, 0, tzinfo=WIB)  # the retreat runs 16-18 May 2025 (Asia/Jakarta)
INVALID = "Tautan undangan tidak valid atau sudah diganti."


@pytest.fixture
def invited(api, frozen_clock):
    """A published retreat with one invited official; the clock before the retreat."""
    frozen_clock(BEFORE)
    retreat = api.retreat(publish=True)
    return api.register(retreat["id"], 1)


def url(registration, action=""):
    token = registration if isinstance(registration, str) else registration["invitation_url"].rsplit("/", 1)[1]
    return f"/api/v1/invitations/{token}" + (f"/{action}" if action else "")


def test_the_officials_view(client, invited):
    response = client.get(url(invited))
    assert response.status_code == 200
    view = response.get_json()
    assert view["can_respond"] is True and view["registration"]["can_respond"] is True
    assert view["registration"]["status"] == "invited" and view["registration"]["id"] == invited["id"]
    assert view["registration"]["official"] == {"name": invited["official"]["name"], "position": "Camat Lowokwaru",
                                                "unit_code": "35.73.05", "unit_name": "Kecamatan Lowokwaru"}
    retreat = view["retreat"]
    assert retreat["title"] == "Retret Pejabat Struktural Kota Malang 2025"
    assert retreat["venue"] == "Poltekad, Karangploso" and retreat["timezone"] == "Asia/Jakarta"
    assert (retreat["starts_on"], retreat["ends_on"], retreat["response_deadline"]) == \
        ("2025-05-16", "2025-05-18", None)
    assert view["responses_close_at"] == "2025-05-19T00:00:00+07:00"
    assert "email" not in str(view) and "+62" not in str(view)


def test_confirm_emits_registration_confirmed_and_a_retry_answers_the_same(api, client, invited):
    body = {"shirt_size": "L", "health_notes": "Alergi udang", "emergency_contact": "Siti (istri) 081298765432"}
    response = client.post(url(invited, "confirm"), json=body)
    assert response.status_code == 200
    confirmed = response.get_json()
    assert confirmed["status"] == "confirmed" and confirmed["shirt_size"] == "L"
    assert confirmed["responded_at"].endswith("+07:00")
    [event] = api.outbox("registration.confirmed")
    assert event_type("registration.confirmed").schema().validate(event["data"]) == {}
    assert event["data"]["status"] == "confirmed" and event["data"]["registration_id"] == invited["id"]
    assert event["data"]["shirt_size"] == "L" and event["data"]["emergency_contact"].startswith("Siti")
    assert event["data"]["invitation_url"] == invited["invitation_url"]
    from registration import tokens  # the badge's code travels to notifications for the confirmation's QR
    assert tokens.read_badge(_invitation_secret(), event["data"]["badge_code"])

    retry = client.post(url(invited, "confirm"), json=body)
    assert retry.status_code == 200 and retry.get_json() == confirmed
    assert len(api.outbox("registration.confirmed")) == 1
    assert api.registration(invited["id"])["status"] == "confirmed"


def test_confirm_without_a_body(client, invited):
    response = client.post(url(invited, "confirm"))
    assert response.status_code == 200 and response.get_json()["status"] == "confirmed"


def test_decline_then_confirm_again_before_the_deadline(api, client, invited):
    declined = client.post(url(invited, "decline"), json={"reason": "Tugas dinas ke Jakarta"})
    assert declined.status_code == 200
    assert declined.get_json()["status"] == "declined" and declined.get_json()["reason"] == "Tugas dinas ke Jakarta"
    [event] = api.outbox("registration.declined")
    assert event["data"]["reason"] == "Tugas dinas ke Jakarta"
    assert event_type("registration.declined").schema().validate(event["data"]) == {}
    assert client.post(url(invited, "decline"), json={}).status_code == 200  # again: the same, no event
    assert len(api.outbox("registration.declined")) == 1

    again = client.post(url(invited, "confirm"), json={"shirt_size": "XL"})
    assert again.status_code == 200 and again.get_json()["status"] == "confirmed"
    assert again.get_json()["reason"] is None
    assert api.outbox_types()[-1] == "registration.confirmed"


def test_a_confirmed_official_may_still_decline(api, client, invited):
    client.post(url(invited, "confirm"))
    assert client.post(url(invited, "decline"), json={"reason": None}).get_json()["status"] == "declined"


def test_a_decline_frees_a_place_for_the_longest_waiting(api, client, frozen_clock):
    frozen_clock(BEFORE)
    retreat = api.retreat(capacity=1, publish=True)
    first = api.register(retreat["id"], 1)
    waiting = api.register(retreat["id"], 2)
    later = api.register(retreat["id"], 3)
    client.post(url(first, "decline"), json={"reason": "Sakit"})
    assert api.outbox_types()[-2:] == ["registration.declined", "participant.invited"]
    assert api.outbox()[-1]["data"]["registration_id"] == waiting["id"]
    assert api.registration(waiting["id"])["status"] == "invited"
    assert api.registration(later["id"])["status"] == "waitlisted"
    # the place is taken now: confirming after the decline is refused, clearly
    assert_problem(client.post(url(first, "confirm")), 409, code="capacity_full")


def test_the_window_closes_when_the_last_day_ends_in_the_retreats_zone(api, client, invited, frozen_clock):
    frozen_clock(datetime(2025, 5, 18, 23, 59, 59, tzinfo=WIB))
    assert client.get(url(invited)).get_json()["can_respond"] is True
    frozen_clock(datetime(2025, 5, 19, 0, 0, tzinfo=WIB))
    assert client.get(url(invited)).get_json()["can_respond"] is False
    assert_problem(client.post(url(invited, "confirm")), 409, code="response_closed")
    assert_problem(client.post(url(invited, "decline")), 409, code="response_closed")
    assert api.outbox_types() == ["retreat.published", "participant.invited"]


def test_an_earlier_response_deadline_closes_first(api, client, frozen_clock):
    frozen_clock(BEFORE)
    retreat = api.retreat(publish=True, response_deadline="2025-05-12T17:00:00+07:00")
    registration = api.register(retreat["id"], 1)
    assert client.get(url(registration)).get_json()["retreat"]["response_deadline"] == "2025-05-12T17:00:00+07:00"
    frozen_clock(datetime(2025, 5, 12, 10, 0, 1, tzinfo=timezone.utc))
    assert_problem(client.post(url(registration, "confirm")), 409, code="response_closed")


def test_a_retreat_that_already_ran_is_closed(api, client):
    retreat = api.retreat("PAST", publish=True, starts_on="2020-01-06", ends_on="2020-01-08")
    registration = api.register(retreat["id"], 1)
    assert client.get(url(registration)).get_json()["can_respond"] is False
    assert_problem(client.post(url(registration, "confirm")), 409, code="response_closed")


def test_a_repeated_confirm_after_the_window_still_answers_the_same(client, invited, frozen_clock):
    client.post(url(invited, "confirm"))
    frozen_clock(datetime(2025, 6, 1, tzinfo=WIB))
    response = client.post(url(invited, "confirm"))
    assert response.status_code == 200 and response.get_json()["status"] == "confirmed"


def test_waitlisted_cancelled_and_cancelled_retreat_are_409(api, client, admin, frozen_clock):
    frozen_clock(BEFORE)
    retreat = api.retreat(capacity=1, publish=True)
    first = api.register(retreat["id"], 1)
    waiting = api.register(retreat["id"], 2)
    body = assert_problem(client.post(url(waiting, "confirm")), 409, code="waitlisted")
    assert "daftar tunggu" in body["detail"]
    client.post(f"/api/v1/registrations/{first['id']}/cancel", headers=admin)
    assert_problem(client.post(url(first, "confirm")), 409, code="registration_cancelled")
    client.post(f"/api/v1/retreats/{retreat['id']}/cancel", headers=admin)
    assert_problem(client.post(url(waiting, "decline")), 409, code="retreat_cancelled")
    assert client.get(url(waiting)).get_json()["can_respond"] is False


def test_a_draft_cannot_be_answered_yet(api, client, frozen_clock):
    frozen_clock(BEFORE)
    registration = api.register(api.retreat()["id"], 1)
    assert client.get(url(registration)).get_json()["can_respond"] is False
    assert_problem(client.post(url(registration, "confirm")), 409, code="retreat_not_open")


def test_bad_tokens_are_404(client, invited, app):
    genuine = invited["invitation_url"].rsplit("/", 1)[1]
    payload, signature = genuine.rsplit(".", 1)
    # Change the signature's FIRST character: the last one of unpadded base64 has spare bits, so changing it
    # may decode to the same bytes and leave the signature valid.
    tampered = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    forged = [
        "abc", tampered, genuine + "x", "x" * 2000,
        URLSafeSerializer("test-invitation-secret-at-least-32-bytes", salt="badge").dumps({"r": invited["id"], "v": 1}),
        URLSafeSerializer("test-invitation-secret-at-least-32-bytes", salt="invitation").dumps({"r": str(uuid.uuid4()), "v": 1}),
        URLSafeSerializer("test-invitation-secret-at-least-32-bytes", salt="invitation").dumps({"r": invited["id"], "v": 7}),
        URLSafeSerializer("test-invitation-secret-at-least-32-bytes", salt="invitation").dumps({"r": invited["id"], "v": "1"}),
    ]
    for token in forged:
        for action, method in (("", client.get), ("confirm", client.post), ("decline", client.post)):
            body = assert_problem(method(url(token, action)), 404)
            assert body["detail"] == INVALID


def test_bad_bodies(client, invited):
    for body, field in [({"shirt_size": "S" * 21}, "shirt_size"), ({"shirt_size": 42}, "shirt_size"),
                        ({"health_notes": "h" * 2001}, "health_notes"), ({"emergency_contact": ["x"]},
                                                                         "emergency_contact"),
                        ({"size": "L"}, "size")]:
        assert_problem(client.post(url(invited, "confirm"), json=body), 422, field=field)
    assert_problem(client.post(url(invited, "decline"), json={"reason": "r" * 1001}), 422, field="reason")
    assert_problem(client.post(url(invited, "decline"), json={"reason": {"a": 1}}), 422, field="reason")
    assert_problem(client.post(url(invited, "confirm"), data="{", content_type="application/json"), 400)
    assert client.get(url(invited)).get_json()["registration"]["status"] == "invited"


def test_concurrent_confirms_record_one_event(api, app, invited):
    from concurrent.futures import ThreadPoolExecutor

    def confirm(_):
        return app.test_client().post(url(invited, "confirm"), json={"shirt_size": "M"}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert set(pool.map(confirm, range(6))) == {200}
    assert len(api.outbox("registration.confirmed")) == 1


def _invitation_secret() -> str:
    from registration.context import context
    return context.config.invitation_secret
