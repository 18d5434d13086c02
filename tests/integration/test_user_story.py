"""Issue 2's user story end to end: organiser invites, the official confirms through the emailed link,
the confirmation email goes out, the secretariat's summary shows the registration as confirmed."""
from __future__ import annotations

import pytest

from retret_testing.smtp import text_body

from .conftest import LINK

pytestmark = pytest.mark.integration


def _story(system, code):
    login = system.clients["registration"].post("/api/v1/auth/token",
                                                json={"username": "admin", "password": "rahasia-admin-123"})
    assert login.status_code == 200, login.get_json()
    system.auth = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    address = f"{code.lower()}@malangkota.go.id"
    retreat = system.create_retreat(code=code)
    registration = system.invite(retreat["id"], email=address)
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
    return retreat, registration


def test_invitation_to_confirmed_report_on_postgresql(system):
    _story(system, "STORY-PG")


def test_invitation_to_confirmed_report_on_sqlite_default(sqlite_system):
    _story(sqlite_system, "STORY-SQLITE")
