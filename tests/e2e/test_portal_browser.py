"""The official's invitation page in a real headless Chromium (Playwright for Python, Debian's /usr/bin/chromium):
the registration app served over HTTP, an invitation created through the API, its emailed link opened on a phone
viewport, and the answer checked back through the API."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from retret import clock
from retret.auth import issue_token
from retret_testing.infra import serving

JWT_SECRET = "test-jwt-secret-at-least-32-bytes-long"
SCREENSHOT = "/tmp/portal.png"

TITLE = "Retret Pejabat Struktural Kota Malang"
NAME = "Drs. Bambang <b>Sutrisno</b>, M.Si."  # markup in data must show as text
POSITION = "Camat Lowokwaru"
UNIT = "Kecamatan Lowokwaru"

MSG_NETWORK = "Koneksi terputus. Periksa jaringan Anda lalu coba lagi."
MSG_INVALID = "Tautan undangan tidak valid atau sudah diganti."
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]


def indonesian(day: date) -> str:
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"



@pytest.fixture
def context(browser):
    """A phone: 390x844, touch, Indonesian, and a time zone far from the retreat's (times must not follow it)."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="id-ID", timezone_id="America/Los_Angeles")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


class Portal:
    """The registration app on a real local port, and the API calls a test sets up with."""

    def __init__(self, app, base_url: str):
        self.client, self.base_url = app.test_client(), base_url
        token, _ = issue_token(JWT_SECRET, "admin", "admin")
        self.admin = {"Authorization": f"Bearer {token}"}

    def retreat(self, starts_on: date, ends_on: date, **overrides) -> dict:
        body = {"code": "RETRET-MLG", "title": TITLE, "organizer": "BKPSDM Kota Malang",
                "venue": "Poltekad, Karangploso", "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(), "timezone": "Asia/Jakarta", **overrides}
        created = self.client.post("/api/v1/retreats", json=body, headers=self.admin)
        assert created.status_code == 201, created.get_json()
        published = self.client.post(f"/api/v1/retreats/{created.get_json()['id']}/publish", headers=self.admin)
        assert published.status_code == 200, published.get_json()
        return published.get_json()

    def register(self, retreat_id: str) -> dict:
        official = {"nip": "198609262015051001", "name": NAME, "position": POSITION, "position_kind": "camat",
                    "unit_code": "35.73.05", "unit_name": UNIT, "email": "bambang@malangkota.go.id",
                    "phone": "0812-3456-7890"}
        response = self.client.post(f"/api/v1/retreats/{retreat_id}/registrations", json={"official": official},
                                    headers=self.admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def registration(self, registration_id: str) -> dict:
        response = self.client.get(f"/api/v1/registrations/{registration_id}", headers=self.admin)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def session(self, retreat_id: str, title: str, day: date, hours: tuple[int, int]) -> dict:
        """A session of the retreat on `day`, from hours[0]:00 to hours[1]:00 WIB."""
        body = {"title": title, "kind": "lecture", "location": "Aula Poltekad", "mandatory": True, "speaker_ids": [],
                "starts_at": f"{day.isoformat()}T{hours[0]:02d}:00:00+07:00",
                "ends_at": f"{day.isoformat()}T{hours[1]:02d}:00:00+07:00"}
        response = self.client.post(f"/api/v1/retreats/{retreat_id}/sessions", json=body, headers=self.admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def confirm(self, registration: dict) -> None:
        token = registration["invitation_url"].rsplit("/", 1)[1]
        response = self.client.post(f"/api/v1/invitations/{token}/confirm", json={})
        assert response.status_code == 200, response.get_json()

    def permits(self, retreat_id: str) -> list[dict]:
        response = self.client.get(f"/api/v1/retreats/{retreat_id}/permits", headers=self.admin)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    def link(self, registration: dict) -> str:
        """The emailed link (PUBLIC_BASE_URL is http://retret.test in tests), pointed at this server."""
        url = registration["invitation_url"]
        assert url.startswith("http://retret.test/portal/invitations/"), url
        return self.base_url + url[len("http://retret.test"):]


@pytest.fixture
def portal(make_app):
    app = make_app("registration")
    with serving(app, name="portal-http") as base_url:
        yield Portal(app, base_url)


@pytest.fixture
def upcoming():
    """Dates of a retreat a month ahead (answers open), with a deadline three days before it at 15:00 WIB."""
    starts = clock.now().date() + timedelta(days=30)
    ends = starts + timedelta(days=2)
    deadline = f"{(starts - timedelta(days=3)).isoformat()}T15:00:00+07:00"
    return starts, ends, deadline


def test_confirm_with_a_shirt_size(portal, page, upcoming):
    from playwright.sync_api import expect
    starts, ends, deadline = upcoming
    retreat = portal.retreat(starts, ends, response_deadline=deadline)
    registration = portal.register(retreat["id"])
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    page.goto(portal.link(registration))
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("#official-name")).to_have_text(NAME)
    assert page.locator("#official-name b").count() == 0
    expect(page.locator("#official-position")).to_have_text(POSITION)
    expect(page.locator("#official-unit")).to_have_text(UNIT)
    expect(page.locator("#retreat-dates")).to_have_text(f"{indonesian(starts)} – {indonesian(ends)}")
    expect(page.locator("#retreat-venue")).to_have_text("Poltekad, Karangploso")
    expect(page.locator("#status")).to_have_text("Diundang")
    # in the retreat's zone (WIB), not the phone's (Los Angeles)
    expect(page.locator("#deadline")).to_have_text(
        f"Mohon jawab paling lambat {indonesian(starts - timedelta(days=3))} pukul 15.00 WIB.")

    page.click("[data-action=confirm]")
    page.select_option("select[name=shirt_size]", "L")
    page.fill("[name=emergency_contact]", "Ibu Sari (istri) 0812-1111-2222")
    page.screenshot(path=SCREENSHOT, full_page=True)

    held = []  # hold the request, to see the page while it is on its way
    page.route("**/confirm", lambda route: held.append(route))
    page.click("[data-action=submit]")
    submit = page.locator("[data-action=submit]")
    expect(submit).to_be_disabled()
    page.evaluate("document.querySelector('form.answer').requestSubmit()")  # pressed again while sending
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()

    expect(page.locator("#status")).to_have_text("Hadir dikonfirmasi")
    expect(page.locator("#success")).to_have_text("Terima kasih, kehadiran Anda telah dikonfirmasi.")
    expect(page.locator("#answer-details")).to_contain_text("L")
    expect(page.locator("[data-action=confirm]")).to_be_hidden()
    expect(page.locator("[data-action=decline]")).to_be_visible()  # may still change the answer
    expect(page.locator("[role=alert]")).to_be_hidden()
    expect(page.locator("#badge-qr")).to_be_visible()  # the QR badge, once confirmed
    page.wait_for_function("document.getElementById('badge-qr').naturalWidth > 0")
    assert page.locator("#badge-download").get_attribute("href").endswith("/badge?format=png")
    assert [url for url in posts if url.endswith("/confirm")] == [
        f"{portal.base_url}/api/v1/invitations/{registration['invitation_url'].rsplit('/', 1)[1]}/confirm"]

    stored = portal.registration(registration["id"])
    assert stored["status"] == "confirmed"
    assert stored["shirt_size"] == "L"
    assert stored["emergency_contact"] == "Ibu Sari (istri) 0812-1111-2222"
    assert stored["health_notes"] is None


def test_decline_with_a_reason(portal, page, upcoming):
    from playwright.sync_api import expect
    starts, ends, _deadline = upcoming
    registration = portal.register(portal.retreat(starts, ends)["id"])

    page.goto(portal.link(registration))
    expect(page.locator("#status")).to_have_text("Diundang")
    page.click("[data-action=decline]")
    page.fill("[name=reason]", "Tugas dinas ke Jakarta <rapat koordinasi>")
    page.click("[data-action=submit]")

    expect(page.locator("#status")).to_have_text("Tidak hadir")
    expect(page.locator("#answer-details")).to_contain_text("Tugas dinas ke Jakarta <rapat koordinasi>")
    expect(page.locator("[data-action=decline]")).to_be_hidden()
    expect(page.locator("[data-action=confirm]")).to_be_visible()
    expect(page.locator("#badge-card")).to_be_hidden()  # no badge without a confirmation
    stored = portal.registration(registration["id"])
    assert stored["status"] == "declined"
    assert stored["reason"] == "Tugas dinas ke Jakarta <rapat koordinasi>"


def test_an_invalid_link_says_so(portal, page):
    from playwright.sync_api import expect
    page.goto(f"{portal.base_url}/portal/invitations/bukan-tautan-yang-benar")
    expect(page.locator("[role=alert]")).to_have_text(MSG_INVALID)
    expect(page.locator("#invitation")).to_be_hidden()
    expect(page.locator("[data-action=retry]")).to_be_hidden()


def test_a_lost_connection_keeps_the_form(portal, page, context, upcoming):
    from playwright.sync_api import expect
    starts, ends, _deadline = upcoming
    registration = portal.register(portal.retreat(starts, ends)["id"])

    page.goto(portal.link(registration))
    page.click("[data-action=confirm]")
    page.select_option("select[name=shirt_size]", "XXL")
    page.fill("[name=health_notes]", "Alergi udang")
    context.set_offline(True)
    page.click("[data-action=submit]")
    expect(page.locator("[role=alert]")).to_have_text(MSG_NETWORK)
    expect(page.locator("[name=health_notes]")).to_have_value("Alergi udang")
    expect(page.locator("select[name=shirt_size]")).to_have_value("XXL")
    expect(page.locator("[data-action=submit]")).to_be_enabled()
    assert portal.registration(registration["id"])["status"] == "invited"

    context.set_offline(False)
    page.click("[data-action=submit]")
    expect(page.locator("#status")).to_have_text("Hadir dikonfirmasi")
    expect(page.locator("[role=alert]")).to_be_hidden()
    stored = portal.registration(registration["id"])
    assert (stored["status"], stored["shirt_size"], stored["health_notes"]) == ("confirmed", "XXL", "Alergi udang")


def test_a_closed_invitation_has_no_buttons_and_says_why(portal, page):
    from playwright.sync_api import expect
    starts = clock.now().date() - timedelta(days=10)  # a retreat that already ran
    registration = portal.register(portal.retreat(starts, starts + timedelta(days=2))["id"])

    page.goto(portal.link(registration))
    expect(page.locator("#status")).to_have_text("Diundang")
    expect(page.locator("#closed")).to_contain_text("Batas waktu jawaban telah lewat")
    expect(page.locator("[data-action=confirm]")).to_be_hidden()
    expect(page.locator("[data-action=decline]")).to_be_hidden()
    expect(page.locator("#deadline")).to_have_text(
        f"Batas waktu jawaban: {indonesian(starts + timedelta(days=2))} pukul 23.59 WIB.")


def test_field_errors_show_next_to_the_form(portal, page, upcoming):
    from playwright.sync_api import expect
    starts, ends, _deadline = upcoming
    registration = portal.register(portal.retreat(starts, ends)["id"])

    page.goto(portal.link(registration))
    page.click("[data-action=confirm]")
    page.evaluate("document.querySelector('[name=emergency_contact]').removeAttribute('maxlength')")
    page.fill("[name=emergency_contact]", "x" * 501)  # what an old browser without maxlength would send
    page.click("[data-action=submit]")
    alert = page.locator("form [role=alert]")  # inside the form, above its buttons, where the official looks
    expect(alert).to_contain_text("Beberapa isian belum benar:")
    expect(alert).to_contain_text("Kontak darurat: Maksimal 500 karakter.")
    expect(page.locator("[name=emergency_contact]")).to_have_attribute("aria-invalid", "true")

    page.fill("[name=emergency_contact]", "Ibu Sari")
    page.click("[data-action=submit]")
    expect(page.locator("#status")).to_have_text("Hadir dikonfirmasi")
    expect(page.locator("[role=alert]")).to_be_hidden()


def test_a_refused_answer_shows_the_state_as_it_is_now(portal, page, upcoming):
    from playwright.sync_api import expect
    starts, ends, _deadline = upcoming
    registration = portal.register(portal.retreat(starts, ends)["id"])

    page.goto(portal.link(registration))
    page.click("[data-action=decline]")
    cancelled = portal.client.post(f"/api/v1/registrations/{registration['id']}/cancel", json={},
                                   headers=portal.admin)  # meanwhile, by the organiser
    assert cancelled.status_code == 200, cancelled.get_json()
    page.click("[data-action=submit]")

    expect(page.locator("#status")).to_have_text("Dibatalkan")
    expect(page.locator("#closed")).to_have_text("Pendaftaran Anda telah dibatalkan oleh panitia.")
    expect(page.locator("[data-action=confirm]")).to_be_hidden()
    expect(page.locator("[data-action=decline]")).to_be_hidden()
    expect(page.locator("[data-action=submit]")).to_have_count(0)


@pytest.fixture
def confirmed_with_agenda(portal, upcoming):
    """A confirmed official of a retreat with two sessions on its first day."""
    starts, ends, _deadline = upcoming
    retreat = portal.retreat(starts, ends)
    lecture = portal.session(retreat["id"], "Kuliah Umum Wawasan Kebangsaan", starts, (8, 10))
    discussion = portal.session(retreat["id"], "Diskusi Kelompok", starts, (13, 15))
    registration = portal.register(retreat["id"])
    portal.confirm(registration)
    return {"retreat": retreat, "registration": registration, "lecture": lecture, "discussion": discussion,
            "day": starts}


def test_a_confirmed_official_asks_for_a_sick_permit(portal, page, confirmed_with_agenda):
    from playwright.sync_api import expect
    world = confirmed_with_agenda
    page.goto(portal.link(world["registration"]))
    expect(page.locator("#status")).to_have_text("Hadir dikonfirmasi")
    expect(page.locator("#permit-none")).to_have_text("Belum ada pengajuan izin.")

    page.click("[data-action=permit]")
    lecture = f"Kuliah Umum Wawasan Kebangsaan — {indonesian(world['day'])}, 08.00–10.00 WIB"  # WIB, not the phone's
    expect(page.locator("form.answer label.choice").filter(has_text="Kuliah Umum")).to_have_text(lecture)
    page.get_by_label("Sakit").check()
    page.locator("label.choice", has_text="Kuliah Umum").locator("input").check()
    page.fill("[name=reason]", "Demam tinggi <38,5°C>, surat dokter menyusul")
    page.screenshot(path="/tmp/portal-permit.png", full_page=True)
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/permits")) as sent:
        page.click("[data-action=submit]")
    assert 0 < len(sent.value.headers["idempotency-key"]) <= 200

    expect(page.locator("#permit-success")).to_have_text("Pengajuan izin telah dikirim dan menunggu keputusan panitia.")
    item = page.locator("#permit-list > li")
    expect(item).to_have_count(1)
    expect(item.locator(".permit-status")).to_have_text("Menunggu")
    expect(item).to_contain_text("Izin Sakit")
    expect(item).to_contain_text(lecture)
    expect(item).to_contain_text("Demam tinggi <38,5°C>, surat dokter menyusul")
    expect(page.locator("[data-action=submit]")).to_have_count(0)
    expect(page.locator("[data-action=permit]")).to_be_visible()  # another one may follow

    [permit] = portal.permits(world["retreat"]["id"])
    assert (permit["kind"], permit["status"], permit["requested_by"]) == ("sick", "pending", "official")
    assert permit["session_ids"] == [world["lecture"]["id"]]
    assert permit["reason"] == "Demam tinggi <38,5°C>, surat dokter menyusul"

    rejected = portal.client.post(f"/api/v1/permits/{permit['id']}/reject", json={"reason": "Kuliah wajib"},
                                  headers=portal.admin)
    assert rejected.status_code == 200, rejected.get_json()
    page.reload()
    expect(item.locator(".permit-status")).to_have_text("Ditolak")
    expect(item).to_contain_text("Keterangan panitia: Kuliah wajib")


def open_permit_form(page, link: str, kind: str, session: str, reason: str) -> None:
    """The official opens the invitation and fills the permit form: the kind, one session, the reason."""
    page.goto(link)
    page.click("[data-action=permit]")
    page.get_by_label(kind).check()
    page.locator("label.choice", has_text=session).locator("input").check()
    page.fill("[name=reason]", reason)


def test_a_permit_without_a_reason_shows_the_field_error(portal, page, confirmed_with_agenda):
    from playwright.sync_api import expect
    world = confirmed_with_agenda
    open_permit_form(page, portal.link(world["registration"]), "Keluarga", "Diskusi Kelompok", "   ")
    page.click("[data-action=submit]")

    reason = page.locator("[name=reason]")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-reason")).to_have_text("Tidak boleh kosong.")  # right under the field
    assert page.evaluate("document.querySelector('[name=reason]').nextElementSibling.id") == "error-reason"
    expect(page.locator("form [role=alert]")).to_contain_text("Alasan: Tidak boleh kosong.")
    expect(page.locator("label.choice", has_text="Diskusi Kelompok").locator("input")).to_be_checked()  # kept
    page.screenshot(path="/tmp/portal-permit-error.png", full_page=True)
    assert portal.permits(world["retreat"]["id"]) == []

    page.fill("[name=reason]", "Orang tua dirawat di rumah sakit")
    page.click("[data-action=submit]")
    expect(page.locator("#permit-list .permit-status")).to_have_text("Menunggu")
    expect(page.locator("#error-reason")).to_have_count(0)
    expect(page.locator("[role=alert]")).to_be_hidden()
    assert [p["kind"] for p in portal.permits(world["retreat"]["id"])] == ["family"]


def test_a_permit_whose_reply_was_lost_is_not_sent_twice(portal, page, confirmed_with_agenda):
    """The request reached the server but its reply never came back: the page sends it again with the same
    Idempotency-Key, and the server answers the permit it made instead of making a second."""
    from playwright.sync_api import expect
    world = confirmed_with_agenda
    open_permit_form(page, portal.link(world["registration"]), "Dinas", "Kuliah Umum", "Rapat koordinasi di Surabaya")

    keys, answers = [], []

    def lose_the_first_reply(route):
        keys.append(route.request.headers.get("idempotency-key"))
        response = route.fetch()  # the server receives and stores it ...
        answers.append(response.status)
        if len(keys) == 1:
            route.abort()  # ... and the answer is lost on the way back
        else:
            route.fulfill(response=response)
    page.route("**/permits", lose_the_first_reply)
    page.click("[data-action=submit]")

    expect(page.locator("#permit-list .permit-status")).to_have_text("Menunggu")
    expect(page.locator("#permit-success")).to_be_visible()
    expect(page.locator("[role=alert]")).to_be_hidden()
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1], keys
    assert answers == [201, 200]  # made, then answered again
    assert len(portal.permits(world["retreat"]["id"])) == 1


def test_the_official_sending_again_after_a_network_failure_reuses_the_key(portal, page, confirmed_with_agenda):
    """No connection at all (the page's own retry fails too): the official presses the button again, with the
    same key as long as the form says the same; a changed form is another request with another key."""
    from playwright.sync_api import expect
    world = confirmed_with_agenda
    open_permit_form(page, portal.link(world["registration"]), "Sakit", "Kuliah Umum", "Demam")
    keys = []

    def offline(route):
        keys.append(route.request.headers.get("idempotency-key"))
        route.abort()
    page.route("**/permits", offline)
    page.click("[data-action=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("Koneksi terputus")
    page.click("[data-action=submit]")
    for _ in range(200):  # each press is a send and the page's own retry: four requests
        if len(keys) == 4:
            break
        page.wait_for_timeout(25)
    page.unroute("**/permits", offline)

    def online(route):
        keys.append(route.request.headers.get("idempotency-key"))
        route.continue_()
    page.route("**/permits", online)
    page.fill("[name=reason]", "Demam tinggi")
    page.click("[data-action=submit]")

    expect(page.locator("#permit-list .permit-status")).to_have_text("Menunggu")
    assert len(keys) == 5 and len(set(keys[:4])) == 1 and keys[4] != keys[0], keys
    [permit] = portal.permits(world["retreat"]["id"])
    assert permit["reason"] == "Demam tinggi"


def test_no_permit_form_before_confirming(portal, page, upcoming):
    from playwright.sync_api import expect
    starts, ends, _deadline = upcoming
    retreat = portal.retreat(starts, ends)
    portal.session(retreat["id"], "Kuliah Umum", starts, (8, 10))
    registration = portal.register(retreat["id"])

    page.goto(portal.link(registration))
    expect(page.locator("#status")).to_have_text("Diundang")
    expect(page.locator("#permit-card")).to_be_hidden()
    page.click("[data-action=confirm]")
    page.click("[data-action=submit]")
    expect(page.locator("#permit-card")).to_be_visible()
    expect(page.locator("[data-action=permit]")).to_be_visible()


def test_a_refused_permit_shows_the_state_as_it_is_now(portal, page, confirmed_with_agenda):
    from playwright.sync_api import expect
    world = confirmed_with_agenda
    open_permit_form(page, portal.link(world["registration"]), "Lainnya", "Kuliah Umum", "Acara keluarga")
    cancelled = portal.client.post(f"/api/v1/registrations/{world['registration']['id']}/cancel", json={},
                                   headers=portal.admin)  # meanwhile, by the organiser
    assert cancelled.status_code == 200, cancelled.get_json()
    page.click("[data-action=submit]")

    expect(page.locator("#status")).to_have_text("Dibatalkan")
    expect(page.locator("#closed")).to_have_text("Pendaftaran Anda telah dibatalkan oleh panitia.")
    expect(page.locator("#permit-card")).to_be_hidden()
    expect(page.locator("[data-action=submit]")).to_have_count(0)
    assert portal.permits(world["retreat"]["id"]) == []


def test_the_official_takes_back_a_pending_request(portal, page, confirmed_with_agenda):
    """Only a pending request has the button; it asks first (dismissed: nothing is sent), then withdraws it."""
    from playwright.sync_api import expect
    world = confirmed_with_agenda
    token = world["registration"]["invitation_url"].rsplit("/", 1)[1]
    for kind, session in (("duty", "discussion"), ("sick", "lecture")):
        made = portal.client.post(f"/api/v1/invitations/{token}/permits",
                                  json={"kind": kind, "reason": "Alasan", "session_ids": [world[session]["id"]]})
        assert made.status_code == 201, made.get_json()
    duty = next(p for p in portal.permits(world["retreat"]["id"]) if p["kind"] == "duty")
    approved = portal.client.post(f"/api/v1/permits/{duty['id']}/approve", headers=portal.admin)
    assert approved.status_code == 200, approved.get_json()

    page.goto(portal.link(world["registration"]))
    sick = page.locator("#permit-list > li", has_text="Izin Sakit")
    duty_item = page.locator("#permit-list > li", has_text="Izin Dinas")
    expect(sick.locator(".permit-status")).to_have_text("Menunggu")
    expect(duty_item.locator(".permit-status")).to_have_text("Disetujui")
    expect(duty_item.locator("[data-action=withdraw-permit]")).to_have_count(0)  # the organiser's to withdraw

    page.once("dialog", lambda dialog: dialog.dismiss())
    sick.locator("[data-action=withdraw-permit]").click()
    expect(sick.locator(".permit-status")).to_have_text("Menunggu")
    assert {p["status"] for p in portal.permits(world["retreat"]["id"])} == {"pending", "approved"}

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/withdraw")) as answered:
        sick.locator("[data-action=withdraw-permit]").click()
    assert answered.value.status == 200
    expect(page.locator("#permit-success")).to_have_text("Pengajuan izin telah dibatalkan.")
    expect(sick.locator(".permit-status")).to_have_text("Dibatalkan")
    expect(page.locator("[data-action=withdraw-permit]")).to_have_count(0)
    page.screenshot(path="/tmp/portal-permit-withdrawn.png", full_page=True)
    assert sorted(p["status"] for p in portal.permits(world["retreat"]["id"])) == ["approved", "withdrawn"]
    page.reload()
    expect(sick.locator(".permit-status")).to_have_text("Dibatalkan")
