"""Issue 2's user story end to end: organiser invites, the official confirms through the emailed link,
the confirmation email goes out, the secretariat's summary shows the registration as confirmed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from retret_testing.infra import wait_for

from retret_testing.smtp import text_body

from retret_testing.system import LINK

pytestmark = pytest.mark.integration


def _story(system, code):
    login = system.clients["registration"].post("/api/v1/auth/token",
                                                json={"username": "admin", "password": "rahasia-admin-123"})
    assert login.status_code == 200, login.get_json()
    system.auth = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    address = f"{code.lower()}@malangkota.go.id"
    retreat = system.create_retreat(code=code)
    trace = f"trace-{code.lower()}"
    registration = system.invite(retreat["id"], email=address, headers={"X-Request-ID": trace})
    assert registration["status"] == "invited"

    invitation = system.wait_mail(address)[0]
    url, token = LINK.search(text_body(invitation)).groups()
    assert url.startswith("http://retret.test/portal/invitations/")
    portal = system.clients["registration"]
    seen = portal.get(f"/api/v1/invitations/{token}")
    assert seen.status_code == 200 and seen.get_json()["registration"]["id"] == registration["id"]
    confirmed = portal.post(f"/api/v1/invitations/{token}/confirm", json={"shirt_size": "L"})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"

    mails = system.wait_mail(address, count=2)
    assert len({m["Message-ID"] for m in mails}) == 2
    summary = system.wait_summary(retreat["id"], lambda s: s["registrations"]["confirmed"] == 1)
    assert summary["registrations"]["total"] == 1 and summary["registrations"]["invited"] == 0
    assert summary["as_of"]["registration"] >= 3
    _assert_traced(system, trace, registration["id"])
    return retreat, registration


def _assert_traced(system, trace, registration_id):
    """The trace id of the inviting request follows its event into notifications, its email and its logs."""
    from notifications.context import context
    from registration.context import context as registration_context
    for ctx in (registration_context, context):
        outbox = ctx.bus.tables.outbox
        with ctx.db.engine.connect() as conn:
            traces = {row.trace_id for row in conn.execute(select(outbox)) if
                      (row.data or {}).get("registration_id") == registration_id
                      and row.type in ("participant.invited", "notification.status_changed")
                      and (row.type != "notification.status_changed" or row.data["kind"] == "invitation")}
        assert traces == {trace}, (ctx.service, traces)
    for worker in ("notifications", "reporting"):
        wait_for(lambda: f'"trace_id": "{trace}"' in system.stack.log_text(worker), 10,
                 message=f"trace id in the {worker} worker's log")


def test_invitation_to_confirmed_report_on_postgresql(system):
    _story(system, "STORY-PG")


def test_invitation_to_confirmed_report_on_sqlite_default(sqlite_system):
    _story(sqlite_system, "STORY-SQLITE")
