"""QR badges: the official's through the invitation link, staff's read, the retreat's printable PDF. The QR codes
are decoded (zxing-cpp) from the PNG and from the PDF's pages rendered by poppler's pdftoppm, and the PDF is opened
with pypdf, as a scanner and a printer would."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta, timezone

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from retret_testing.env import TEST_ENV
from retret_testing.http import assert_problem

WIB = timezone(timedelta(hours=7))
BEFORE = datetime(2025, 5, 10, 9, 0, tzinfo=WIB)
UNITS = [("35.73.01", "Dinas Pendidikan"), ("35.73.02", "Dinas Kesehatan")]


@pytest.fixture
def retreat(api, frozen_clock):
    frozen_clock(BEFORE)
    return api.retreat(publish=True)


def confirmed(api, client, retreat_id: str, i: int, **overrides) -> dict:
    code, name = UNITS[i % 2]
    registration = api.register(retreat_id, i, unit_code=code, unit_name=name, **overrides)
    assert client.post(f"/api/v1/invitations/{api.token_of(registration)}/confirm", json={}).status_code == 200
    return registration


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def badge_nonce(code: str) -> str:
    from registration import tokens
    return tokens.read_badge(TEST_ENV["INVITATION_SECRET"], code)


def stored_nonce(registration_id: str) -> str:
    from registration.context import context
    from registration.models import Registration
    with context.db.session() as session:
        return session.get(Registration, registration_id).badge_nonce


def test_the_official_downloads_a_qr_carrying_their_badge_code(api, client, retreat):
    registration = confirmed(api, client, retreat["id"], 1)
    response = client.get(f"/api/v1/invitations/{api.token_of(registration)}/badge")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "no-store" in response.headers["Cache-Control"]
    [code] = decoded(Image.open(io.BytesIO(response.data)))
    assert badge_nonce(code) == stored_nonce(registration["id"])
    from registration import tokens  # the badge code is no invitation link
    assert tokens.read_invitation(TEST_ENV["INVITATION_SECRET"], code) is None
    staff = client.get(f"/api/v1/registrations/{registration['id']}/badge?format=png", headers=api.admin)
    assert staff.status_code == 200 and decoded(Image.open(io.BytesIO(staff.data))) == [code]
    assert f"badge-{registration['official']['nip']}.png" in staff.headers["Content-Disposition"]


def test_svg_badges(api, client, operator, secretariat, retreat):
    registration = confirmed(api, client, retreat["id"], 1)
    official = client.get(f"/api/v1/invitations/{api.token_of(registration)}/badge?format=svg")
    assert official.status_code == 200 and official.mimetype == "image/svg+xml"
    assert ElementTree.fromstring(official.data).tag.endswith("svg")
    for headers in (operator, secretariat):
        staff = client.get(f"/api/v1/registrations/{registration['id']}/badge?format=svg", headers=headers)
        assert staff.status_code == 200 and staff.data == official.data


def test_no_badge_before_confirming_nor_with_a_bad_link(api, client, retreat):
    invited = api.register(retreat["id"], 1)
    body = assert_problem(client.get(f"/api/v1/invitations/{api.token_of(invited)}/badge"), 409,
                          code="not_confirmed")
    assert "mengonfirmasi" in body["detail"]
    assert_problem(client.get(f"/api/v1/registrations/{invited['id']}/badge", headers=api.admin), 409,
                   code="not_confirmed")
    assert_problem(client.get("/api/v1/invitations/not-a-token/badge"), 404)
    assert_problem(client.get("/api/v1/registrations/7b0c2a9e-8f4e-4a57-9d6e-1b2c3d4e5f60/badge",
                              headers=api.admin), 404)
    registration = confirmed(api, client, retreat["id"], 2)
    assert_problem(client.get(f"/api/v1/invitations/{api.token_of(registration)}/badge?format=gif"), 422,
                   field="format")
    reissued = client.post(f"/api/v1/registrations/{registration['id']}/reissue-link", headers=api.admin)
    assert_problem(client.get(f"/api/v1/invitations/{api.token_of(registration)}/badge"), 404)  # the old link
    assert client.get(f"/api/v1/invitations/{api.token_of(reissued.get_json())}/badge").status_code == 200
    client.post(f"/api/v1/invitations/{api.token_of(reissued.get_json())}/decline", json={})
    assert_problem(client.get(f"/api/v1/invitations/{api.token_of(reissued.get_json())}/badge"), 409)


def _pdf(client, headers, retreat_id, layout="a6", query=""):
    response = client.get(f"/api/v1/retreats/{retreat_id}/badges.pdf?layout={layout}{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    return response, PdfReader(io.BytesIO(response.data))


def _page_codes(pdf_bytes: bytes, tmp_path) -> list[list[str]]:
    """The QR codes on each page, as a scanner reads the printed page: rendered by poppler's pdftoppm."""
    if not shutil.which("pdftoppm"):
        reason = "reading the badges PDF's QR codes needs pdftoppm (apt-get install -y poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    source = tmp_path / "badges.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", str(source), str(tmp_path / "page")], check=True,
                   timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
    return [sorted(decoded(Image.open(path))) for path in pages]


def test_printable_badges_a6_one_per_page_in_platoon_order(api, client, admin, operator, retreat, tmp_path):
    people = [confirmed(api, client, retreat["id"], i, name=f"Pejabat {chr(64 + i)}") for i in range(1, 6)]
    api.register(retreat["id"], 9)  # invited: no badge
    client.post(f"/api/v1/retreats/{retreat['id']}/groups/assign",
                json={"platoons": 2, "rooms": [{"name": "A-1", "capacity": 5}]}, headers=admin)
    response, pdf = _pdf(client, operator, retreat["id"])
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(pdf.pages) == 5
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (105, 148)  # A6
    groups = {p["id"]: api.registration(p["id"])["group"] for p in people}
    nonces = {stored_nonce(p["id"]): p for p in people}
    order = []
    for page, [code] in zip(pdf.pages, _page_codes(response.data, tmp_path), strict=True):
        person = nonces[badge_nonce(code)]
        text = page.extract_text()
        assert person["official"]["name"] in text and person["official"]["unit_name"] in text
        assert groups[person["id"]] in text and "Kamar A-1" in text
        assert "Retret Pejabat Struktural Kota Malang 2025" in text
        order.append(groups[person["id"]])
    assert order == sorted(order)
    response, pdf = _pdf(client, operator, retreat["id"], query="&group=Peleton 2")
    assert len(pdf.pages) == sum(g == "Peleton 2" for g in groups.values())
    assert all("Peleton 2" in page.extract_text() for page in pdf.pages)
    assert "Peleton_2" in response.headers["Content-Disposition"]
    assert_problem(client.get(f"/api/v1/retreats/{retreat['id']}/badges.pdf?group=Peleton 9", headers=operator),
                   409, code="no_confirmed")


def test_printable_badges_a4_four_per_page(api, client, admin, retreat, tmp_path):
    for i in range(1, 7):
        confirmed(api, client, retreat["id"], i)
    response, pdf = _pdf(client, admin, retreat["id"], "a4")
    assert len(pdf.pages) == 2
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    pages = _page_codes(response.data, tmp_path)
    assert [len(codes) for codes in pages] == [4, 2]
    codes = {badge_nonce(c) for codes in pages for c in codes}
    assert len(codes) == 6 and None not in codes


def test_names_beyond_the_pdf_font_never_fail(api, client, admin, retreat):
    confirmed(api, client, retreat["id"], 1, name="Dr. Śri Ayu Łukasiewicz 李明 ✓")
    _, pdf = _pdf(client, admin, retreat["id"])
    assert "Dr. Sri Ayu" in pdf.pages[0].extract_text()


def test_printable_badges_rejections(api, client, admin, secretariat, retreat):
    url = f"/api/v1/retreats/{retreat['id']}/badges.pdf"
    assert_problem(client.get(url, headers=admin), 409, code="no_confirmed")
    confirmed(api, client, retreat["id"], 1)
    assert_problem(client.get(url + "?layout=a5", headers=admin), 422, field="layout")
    assert_problem(client.get(url, headers=secretariat), 403)
    assert_problem(client.get("/api/v1/retreats/7b0c2a9e-8f4e-4a57-9d6e-1b2c3d4e5f60/badges.pdf", headers=admin),
                   404)
