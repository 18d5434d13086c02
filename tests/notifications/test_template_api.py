"""Templates API: list, save (checked: unknown and missing placeholders named, syntax, sandbox), preview with
sample data, SMS encoding and segments with Indonesian text holding non-GSM characters; a saved template is the
one messages use."""
from __future__ import annotations

import pytest

from notifications import sending
from notifications.domain import sms
from notifications.handlers import HANDLERS

URL = "/api/v1/templates"


def put(client, headers, key, **body):
    return client.put(f"{URL}/{key}", json=body, headers=headers)


def test_list_has_every_kind_channel_and_language(client, admin_headers):
    items = {i["key"]: i for i in client.get(URL, headers=admin_headers).get_json()["items"]}
    assert items["confirmation.email.id"]["source"] == "file"
    assert "Konfirmasi kehadiran" in items["confirmation.email.id"]["subject"]
    assert {i["source"] for i in items.values()} == {"file"}  # every kind in both languages ships
    assert "official.name" in items["invitation.email.id"]["placeholders"]
    assert items["invitation.email.id"]["required"] == ["invitation_url"]
    assert len(items) == 18 * 2 * 2  # kinds × channels × languages


def test_save_names_every_unknown_and_missing_placeholder(client, admin_headers):
    response = put(client, admin_headers, "invitation.email.id", subject="Undangan {{ retret.judul }}",
                   text="Yth. {{ official.nama }} {{ official.name }}, {{ tautan }}")
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["subject"] == ["Placeholder tidak dikenal: retret.judul"]
    assert errors["text"] == ["Placeholder tidak dikenal: official.nama, tautan",
                              "Placeholder wajib tidak ada: invitation_url"]


def test_syntax_errors_and_the_sandbox(client, admin_headers):
    broken = put(client, admin_headers, "declined.sms.id", text="Yth. {{ official.name }")
    assert broken.status_code == 422 and "baris 1" in broken.get_json()["errors"]["text"][0]
    unsafe = put(client, admin_headers, "declined.sms.id", text="{{ official.__class__ }}")
    assert unsafe.status_code == 422
    assert put(client, admin_headers, "nope.sms.id", text="x").status_code == 404
    assert put(client, admin_headers, "declined.fax.id", text="x").status_code == 404
    assert put(client, admin_headers, "declined.email.id", text="x").status_code == 422  # no subject


def test_preview_with_sample_and_own_values(client, admin_headers):
    body = client.post(f"{URL}/confirmation.email.id/preview", json={}, headers=admin_headers).get_json()
    assert "Dr. Budi Santoso" in body["text"] and "</html>" in body["html"] and body["sms"] is None
    own = client.post(f"{URL}/confirmation.sms.id/preview", headers=admin_headers,
                      json={"values": {"official": {"name": "Ibu Siti"}}}).get_json()
    assert own["text"].startswith("Yth. Ibu Siti,") and own["sms"]["encoding"] == "GSM-7"
    unsaved = client.post(f"{URL}/confirmation.sms.id/preview", headers=admin_headers,
                          json={"text": "Halo {{ official.name }}"}).get_json()
    assert unsaved["text"] == "Halo Dr. Budi Santoso, S.Sos., M.Si."


def test_sms_segments_with_indonesian_text_and_non_gsm_characters(client, admin_headers):
    text = ("Yth. {{ official.name }}, “Apel pagi” dimulai pukul 05.30 — jangan terlambat’ "
            "Kafé Poltekad buka. Salam hormat ê 🙏")
    body = client.post(f"{URL}/session_reminder.sms.id/preview", headers=admin_headers,
                       json={"text": text + " {{ session.title }}"}).get_json()
    info = body["sms"]
    assert info["encoding"] == "UCS-2" and info["ucs2_characters"] == ["ê", "🙏"]
    assert info["replaced_characters"] == ["“", "”", "—", "’"]  # sanitised to GSM-7, they do not force UCS-2
    assert '"Apel pagi"' in body["text"] and "Kafé" in body["text"]
    assert info["length"] == len(body["text"]) + 1  # the emoji is two UTF-16 units
    assert info["segments"] == (1 if info["length"] <= 70 else -(-info["length"] // 67))
    gsm = client.post(f"{URL}/session_reminder.sms.id/preview", headers=admin_headers,
                      json={"text": text.replace(" ê 🙏", "") + " {{ session.title }}"}).get_json()["sms"]
    assert gsm["encoding"] == "GSM-7" and gsm["ucs2_characters"] == []
    assert gsm["segments"] == (1 if gsm["length"] <= 160 else -(-gsm["length"] // 153))


@pytest.mark.parametrize("text,encoding,segments", [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2), ("a" * 307, "GSM-7", 3),
    ("ê" * 70, "UCS-2", 1), ("ê" * 71, "UCS-2", 2), ("ê" * 134, "UCS-2", 2), ("ê" * 135, "UCS-2", 3),
])
def test_segment_limits(text, encoding, segments):
    info = sms.sms_info(text)
    assert (info.encoding, info.segments) == (encoding, segments)


def test_a_saved_template_is_used_for_messages(client, admin_headers, ctx, db, envelope, smtp_server):
    saved = put(client, admin_headers, "declined.email.id", subject="Tercatat: {{ retreat.title }}",
                text="Yth. {{ official.name }}, alasan: {{ reason }}.")
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["source"] == "database" and body["updated_by"] == "admin"
    assert body["preview"]["text"].startswith("Yth. Dr. Budi Santoso")
    ctx.bus.consume(envelope("registration.declined"), HANDLERS)
    sending.send_due()
    [mail] = smtp_server.messages
    assert mail.message["Subject"].strip() == "Tercatat: Retret Pejabat Struktural Kota Malang 2025"
    assert "alasan: Tugas dinas ke Jakarta." in mail.message.get_body(("plain",)).get_content()


def test_admin_only(client):
    from retret.auth import issue_token
    from retret_testing.http import bearer
    token, _ = issue_token("test-jwt-secret-at-least-32-bytes-long", "op", "operator")
    assert client.get(URL, headers=bearer(token)).status_code == 403
    assert put(client, bearer(token), "declined.sms.id", text="x").status_code == 403
    assert client.get(URL).status_code == 401
