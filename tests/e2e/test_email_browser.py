"""Every HTML email kind opened in a real headless Chromium at a 390 px phone viewport (mobile emulation): no
horizontal scrolling, the invitation's fallback link (a long unbroken token) wraps inside the screen.

Screenshots of each kind are kept as test artifacts in var/artifacts/emails/<kind>.<language>.png (var/ is not
versioned; set EMAIL_ARTIFACTS_DIR to put them elsewhere, e.g. a CI artifact directory)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from notifications.domain.messages import TEMPLATED_KINDS
from notifications.domain.samples import sample_values
from notifications.templating import render_email
from retret_testing.infra import REPO

WIDTH = 390
ARTIFACTS = Path(os.environ.get("EMAIL_ARTIFACTS_DIR") or Path(REPO) / "var" / "artifacts" / "emails")
# As long as real links get (a signed token), and longer: nothing to break it at.
LONG_URL = "https://retret.malangkota.go.id/portal/invitations/" + "eyJyIjoiMGY4ZSJ9" * 12 + ".c2lnbmF0dXJl" * 4


@pytest.fixture(scope="module")
def phone(browser):
    ctx = browser.new_context(viewport={"width": WIDTH, "height": 844}, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="id-ID")
    ctx.set_default_timeout(10_000)
    yield ctx.new_page()
    ctx.close()


def html_of(kind: str, language: str = "id") -> str:
    values = sample_values(kind, language)
    values["invitation_url"] = LONG_URL
    values["official"] = {**values["official"], "name": "Dr. Budi Santoso, S.Sos., M.Si., M.AP."}
    if kind == "announcement":
        values["announcement"] = {**values["announcement"], "body": values["announcement"]["body"] + " " + LONG_URL}
    return render_email(kind, values, language).html


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("kind", TEMPLATED_KINDS)
def test_every_email_fits_a_phone_without_horizontal_scrolling(phone, kind, language):
    phone.set_content(html_of(kind, language), wait_until="load")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{kind}.{language}.png"
    phone.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    widths = phone.evaluate("() => [document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(widths) <= WIDTH, f"{kind}: {widths} px wide at a {WIDTH} px viewport (see {shot})"
    overflowing = phone.evaluate(f"""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > {WIDTH} + 0.5)
        .map(e => e.tagName + ' ' + e.textContent.slice(0, 40))""")
    assert overflowing == [], f"{kind}: elements past the right edge: {overflowing}"


def test_the_invitations_fallback_link_wraps(phone):
    phone.set_content(html_of("invitation"), wait_until="load")
    link = phone.locator(f'p a[href="{LONG_URL}"]', has_text="https://")
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    lines = phone.evaluate("""(url) => {
        const a = [...document.querySelectorAll('a')].find(e => e.textContent === url);
        return a.getClientRects().length; }""", LONG_URL)
    assert lines > 1  # broken over several lines instead of running off the screen
