"""The check-in station reads a badge with the phone's camera, in a real headless Chromium whose fake camera
plays a video of the official's QR badge (made from the badge PNG the API serves).

Headless Chromium on Linux has no `BarcodeDetector`, so this covers the vendored jsQR path: the decoder is not
loaded with the page but fetched once the station has its manifest, so the camera reads badges after the network
is gone (the test starts it offline). The decoded code goes through the same `scan(code)` as a typed one: the
official shows as present once, the scan is uploaded once with the same method as a typed scan ("badge"), and the
badge staying in front of the camera for seconds more adds nothing."""
from __future__ import annotations

import io
import re
import time

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, require_chromium
from .test_station_browser import NAME, desk  # noqa: F401 - desk is a fixture used here

HEADER = b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n"


def badge_video(png: bytes) -> bytes:
    """A few identical 640x480 frames (Chromium loops the file): the QR scaled up on white, in YUV 4:2:0 with
    JPEG (full) range, as the header says."""
    from PIL import Image
    qr = Image.open(io.BytesIO(png)).convert("L")
    qr = qr.resize((360, 360), Image.NEAREST)
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(qr.convert("RGB"), ((640 - 360) // 2, (480 - 360) // 2))
    y, u, v = frame.convert("YCbCr").split()
    planes = y.tobytes() + u.resize((320, 240)).tobytes() + v.resize((320, 240)).tobytes()
    return HEADER + (b"FRAME\n" + planes) * 5


@pytest.fixture
def camera_context(desk, tmp_path):  # noqa: F811 - the fixture imported above
    """Its own Chromium (the shared one has no fake camera) playing the first official's badge; the camera is
    granted without a prompt."""
    require_chromium()
    world = desk.prepare()
    official = world["people"][0]
    response = desk.client.get(f"/api/v1/registrations/{official['id']}/badge?format=png", headers=desk.admin)
    assert response.status_code == 200 and response.mimetype == "image/png", response.status_code
    video = tmp_path / "badge.y4m"
    video.write_bytes(badge_video(response.data))
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + [
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        ctx = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                   locale="id-ID", timezone_id="America/Los_Angeles")
        ctx.set_default_timeout(10_000)
        yield ctx, world
        ctx.close()
        chromium.close()


def test_the_camera_reads_a_badge_once(desk, camera_context):  # noqa: F811
    from playwright.sync_api import expect
    ctx, world = camera_context
    official = world["people"][0]
    page = ctx.new_page()
    errors, decoder, uploaded = [], [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: decoder.append(request.url) if request.url.endswith("/jsQR.js") else None)
    page.on("requestfinished", lambda request: uploaded.extend(request.post_data_json["scans"])
            if request.url.endswith("/checkins/batch") else None)
    page.goto(desk.link(world["station"]))
    expect(page.locator("#retreat-title")).to_have_text("Retret Kota Malang")
    expect(page.locator("#session")).to_have_value(world["session"]["id"])
    native = page.evaluate("'BarcodeDetector' in window")
    if not native:  # not with the page, but fetched once the station has its manifest, while the network is there
        page.wait_for_function("() => !!window.jsQR")
        assert len(decoder) == 1 and decoder[0] != page.url, decoder
    ctx.set_offline(True)  # the field at 05:30: the signal is gone when the operator starts the camera

    # Every answer the station shows from now on (show() sets data-result each time, even to the same value).
    page.evaluate("""() => {
        window.shown = [];
        new MutationObserver(() => window.shown.push(document.getElementById('result').dataset.result))
            .observe(document.getElementById('result'), {attributes: true, attributeFilter: ['data-result']});
    }""")
    expect(page.locator('[data-action="camera-stop"]')).to_be_hidden()
    page.get_by_role("button", name="Pindai dengan kamera").click()
    expect(page.locator("#camera-video")).to_be_visible()
    expect(page.get_by_role("button", name="Hentikan kamera")).to_be_visible()

    expect(page.locator("#result-name")).to_have_text(NAME, timeout=15_000)
    expect(page.locator("#result")).to_have_attribute("data-result", "present")  # Desk's session began a minute ago
    expect(page.locator("#queue-count")).to_have_text("1")  # decided offline, queued
    ctx.set_offline(False)
    page.get_by_role("button", name="Unggah sekarang").click()
    expect(page.locator("#queue-count")).to_have_text("0")  # uploaded once the network is back
    [attendance] = desk.call("get", f"/retreats/{world['retreat']['id']}/checkins")["items"]
    assert (attendance["registration_id"], attendance["status"], attendance["method"], attendance["device_id"]) == (
        official["id"], "present", "badge", "gerbang-1")  # as a typed scan: the badge's code went up

    time.sleep(3)  # the badge stays in front of the camera
    assert page.evaluate("window.shown") == ["present"]  # never "Sudah dipindai" flashing
    expect(page.locator("#queue-count")).to_have_text("0")
    assert len(uploaded) == 1 and uploaded[0]["code"] == desk.badge_code(official["id"]), uploaded
    assert len(desk.call("get", f"/retreats/{world['retreat']['id']}/checkins")["items"]) == 1
    assert page.locator("#camera-message").is_hidden()
    assert native or len(decoder) == 1, decoder  # the camera used the prefetched jsQR: no second download

    # The page hidden (another app, the screen off): the camera stops.
    page.evaluate("""() => {
        window.tracks = document.getElementById('camera-video').srcObject.getTracks();
        Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    expect(page.locator("#camera-video")).to_be_hidden()
    assert page.evaluate("window.tracks.length > 0 && window.tracks.every(t => t.readyState === 'ended')")
    expect(page.get_by_role("button", name="Pindai dengan kamera")).to_be_visible()

    # Started again with the same badge in view: a new reading, already recorded — nothing more goes up.
    page.evaluate("delete document.hidden")
    page.get_by_role("button", name="Pindai dengan kamera").click()
    expect(page.locator("#result")).to_have_attribute("data-result", "duplicate", timeout=15_000)
    expect(page.locator("#result-name")).to_have_text(NAME)
    page.evaluate("window.tracks = document.getElementById('camera-video').srcObject.getTracks()")
    page.get_by_role("button", name="Hentikan kamera").click()
    expect(page.locator("#camera-video")).to_be_hidden()
    assert page.evaluate("window.tracks.every(t => t.readyState === 'ended')")  # the camera light goes off
    assert page.evaluate("document.getElementById('camera-video').srcObject") is None
    assert len(uploaded) == 1 and page.locator("#queue-count").text_content() == "0"
    assert not [e for e in errors if "net::ERR_INTERNET_DISCONNECTED" not in e], errors  # only the offline upload


def test_without_a_camera_the_station_says_so_and_the_typed_code_still_works(desk, browser):  # noqa: F811
    """The shared headless Chromium has no camera and grants none: the page says why in Bahasa Indonesia."""
    from playwright.sync_api import expect
    world = desk.prepare()
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="id-ID")
    ctx.set_default_timeout(10_000)
    try:
        page = ctx.new_page()
        page.goto(desk.link(world["station"]))
        expect(page.locator("#retreat-title")).to_have_text("Retret Kota Malang")
        page.get_by_role("button", name="Pindai dengan kamera").click()
        expect(page.locator("#camera-message")).to_have_text(re.compile(
            r"^(Izin kamera ditolak|Kamera tidak ditemukan)"))
        expect(page.locator("#camera-video")).to_be_hidden()
        expect(page.get_by_role("button", name="Pindai dengan kamera")).to_be_visible()

        page.locator("#code").fill(desk.badge_code(world["people"][1]["id"]))
        page.locator("#code").press("Enter")
        expect(page.locator("#result")).to_have_attribute("data-result", "present")
        expect(page.locator("#queue-count")).to_have_text("0")
    finally:
        ctx.close()
