"""The check-in station page in a real headless Chromium: opened through a station token's link, it loads the
manifest, answers each scan at once with no network (present, already scanned, unknown), keeps the scans queued,
and uploads them when the network is back — the attendance then carries the true scan time and the station's
device."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from retret.auth import issue_token
from retret_testing.env import TEST_ENV
from retret_testing.badges import badge_code
from retret_testing.infra import serving

NAME = "Drs. Bambang <b>Sutrisno</b>, M.Si."  # markup in data must show as text


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              locale="id-ID", timezone_id="America/Los_Angeles")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


class Desk:
    """The registration app on a real local port, prepared through its API: a retreat around today with a session
    running now, two confirmed officials, a station token."""

    def __init__(self, app, base_url: str):
        self.client, self.base_url = app.test_client(), base_url
        self.admin = {"Authorization": "Bearer " + issue_token(TEST_ENV["JWT_SECRET"], "admin", "admin")[0]}

    def call(self, method: str, path: str, expected: int = 200, **kwargs) -> dict:
        response = getattr(self.client, method)("/api/v1" + path, headers=self.admin, **kwargs)
        assert response.status_code == expected, (path, response.get_json())
        return response.get_json()

    def prepare(self, code: str = "STASIUN", title: str = "Retret Kota Malang", first_nip: int = 1) -> dict:
        now = datetime.now(ZoneInfo("Asia/Jakarta"))
        # From yesterday to tomorrow: the session around now stays inside the retreat's dates at any hour.
        retreat = self.call("post", "/retreats", 201, json={
            "code": code, "title": title, "starts_on": (now - timedelta(days=1)).date().isoformat(),
            "ends_on": (now + timedelta(days=1)).date().isoformat()})
        self.call("post", f"/retreats/{retreat['id']}/publish")
        begins = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
        session = self.call("post", f"/retreats/{retreat['id']}/sessions", 201, json={
            "title": "Apel Pagi", "kind": "apel", "starts_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=1)).isoformat()})
        people = [self.confirmed(retreat["id"], n, name)
                  for n, name in ((first_nip, NAME), (first_nip + 1, "Siti Aminah, S.E."))]
        station = self.call("post", f"/retreats/{retreat['id']}/station-tokens", 201,
                            json={"device_id": "gerbang-1", "label": "Gerbang utama"})
        return {"retreat": retreat, "session": session, "people": people, "station": station}

    def confirmed(self, retreat_id: str, n: int, name: str) -> dict:
        registration = self.call("post", f"/retreats/{retreat_id}/registrations", 201, json={"official": {
            "nip": f"19860926201505100{n}", "name": name, "unit_code": "35.73.05",
            "unit_name": "Kecamatan Lowokwaru", "email": f"p{n}@malangkota.go.id"}})
        token = registration["invitation_url"].rsplit("/", 1)[1]
        response = self.client.post(f"/api/v1/invitations/{token}/confirm", json={})
        assert response.status_code == 200, response.get_json()
        return registration

    badge_code = staticmethod(badge_code)  # the code on a registration's QR badge

    def link(self, station: dict) -> str:
        url = station["station_url"]
        assert url.startswith("http://retret.test/station/#retreat="), url
        return self.base_url + url[len("http://retret.test"):]


@pytest.fixture
def desk(make_app):
    app = make_app("registration")
    with serving(app, name="station-http") as base_url:
        yield Desk(app, base_url)


def test_scans_offline_are_answered_at_once_and_uploaded_when_the_network_is_back(desk, context):
    from playwright.sync_api import expect
    world = desk.prepare()
    bambang, siti = world["people"]
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(desk.link(world["station"]))

    expect(page.locator("#retreat-title")).to_have_text("Retret Kota Malang")
    expect(page.locator("#session")).to_have_value(world["session"]["id"])
    assert "token=" not in page.url  # the token left the address bar (it stays in this browser only)

    context.set_offline(True)
    code = page.locator("#code")
    code.fill(desk.badge_code(bambang["id"]))
    code.press("Enter")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-result", "present")
    expect(page.locator("#result-word")).to_have_text("Hadir")
    expect(page.locator("#result-name")).to_have_text(NAME)  # as text, never as markup
    expect(page.locator("#queue-count")).to_have_text("1")

    code.fill(desk.badge_code(bambang["id"]))
    code.press("Enter")
    expect(result).to_have_attribute("data-result", "duplicate")
    code.fill("bukan-kode-badge")
    code.press("Enter")
    expect(result).to_have_attribute("data-result", "unknown")
    expect(page.locator("#queue-count")).to_have_text("1")
    scanned_offline = datetime.now(ZoneInfo("UTC"))
    assert desk.call("get", f"/retreats/{world['retreat']['id']}/checkins")["items"] == []

    context.set_offline(False)
    page.locator('[data-action="sync"]').click()
    expect(page.locator("#queue-count")).to_have_text("0")
    [attendance] = desk.call("get", f"/retreats/{world['retreat']['id']}/checkins")["items"]
    assert (attendance["registration_id"], attendance["status"], attendance["method"], attendance["device_id"]) == (
        bambang["id"], "present", "badge", "gerbang-1")
    scanned_at = datetime.fromisoformat(attendance["scanned_at"])
    assert scanned_offline - timedelta(seconds=30) < scanned_at <= scanned_offline  # its true time, not the upload's

    # Online now: a scan goes up at once.
    code.fill(desk.badge_code(siti["id"]))
    code.press("Enter")
    expect(result).to_have_attribute("data-result", "present")
    expect(page.locator("#queue-count")).to_have_text("0")
    assert len(desk.call("get", f"/retreats/{world['retreat']['id']}/checkins")["items"]) == 2
    assert not [e for e in errors if "net::ERR_INTERNET_DISCONNECTED" not in e], errors


def test_a_revoked_token_says_so(desk, context):
    from playwright.sync_api import expect
    world = desk.prepare()
    desk.call("post", f"/station-tokens/{world['station']['id']}/revoke")
    page = context.new_page()
    page.goto(desk.link(world["station"]))
    expect(page.locator("#alert")).to_contain_text("Token stasiun ditolak")


def test_another_retreats_link_waits_for_the_old_scans_to_upload(desk, context):
    from playwright.sync_api import expect
    first = desk.prepare()
    second = desk.prepare("STASIUN-2", "Retret Gelombang Kedua", first_nip=3)
    page = context.new_page()
    page.goto(desk.link(first["station"]))
    expect(page.locator("#retreat-title")).to_have_text("Retret Kota Malang")
    page.route("**/checkins/batch", lambda route: route.abort())  # uploads fail: the scan stays queued
    page.locator("#code").fill(desk.badge_code(first["people"][0]["id"]))
    page.locator("#code").press("Enter")
    expect(page.locator("#queue-count")).to_have_text("1")

    page.goto(desk.link(second["station"]))
    expect(page.locator("#alert")).to_contain_text("1 pindaian retret sebelumnya belum terunggah")
    expect(page.locator("#retreat-title")).to_have_text("Retret Kota Malang")
    page.unroute("**/checkins/batch")
    page.locator('[data-action="sync"]').click()
    expect(page.locator("#queue-count")).to_have_text("0")
    assert len(desk.call("get", f"/retreats/{first['retreat']['id']}/checkins")["items"]) == 1

    page.goto(desk.link(second["station"]))
    expect(page.locator("#retreat-title")).to_have_text("Retret Gelombang Kedua")
    expect(page.locator("#alert")).to_be_hidden()
