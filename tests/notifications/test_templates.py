"""Templates (sandboxed Jinja2, StrictUndefined, HTML escaped) and Indonesian dates in the retreat's zone."""
import copy
from datetime import date, datetime, timezone

import pytest

from notifications.domain import formatting
from notifications.domain.messages import REGISTRATION_KINDS, idempotency_key, message_id, registration_context, \
    retreat_view
from notifications import templating
from notifications.templating import TemplateError, render_email
from retret.events.catalogue import CATALOGUE


def sample(type_name="participant.invited", **changes):
    data = copy.deepcopy(CATALOGUE[type_name].sample)
    data.update(changes)
    return data


def test_indonesian_dates():
    assert formatting.format_date(date(2025, 5, 15)) == "Kamis, 15 Mei 2025"
    assert formatting.format_date(date(2025, 5, 16)) == "Jumat, 16 Mei 2025"
    assert formatting.format_date(date(2025, 8, 17), "en") == "Sunday, 17 August 2025"
    assert formatting.format_date_range(date(2025, 5, 15), date(2025, 5, 17)) == \
        "Kamis, 15 Mei 2025 s.d. Sabtu, 17 Mei 2025"
    assert formatting.format_date_range(date(2025, 5, 15), date(2025, 5, 15)) == "Kamis, 15 Mei 2025"


def test_times_in_the_retreat_zone():
    at = datetime(2025, 5, 15, 1, 0, tzinfo=timezone.utc)
    assert formatting.format_datetime(at, "Asia/Jakarta") == "Kamis, 15 Mei 2025 pukul 08.00 WIB"
    assert formatting.format_datetime(at, "Asia/Makassar") == "Kamis, 15 Mei 2025 pukul 09.00 WITA"
    assert formatting.format_datetime(at, "Asia/Jayapura") == "Kamis, 15 Mei 2025 pukul 10.00 WIT"
    assert formatting.format_time(at, "Asia/Tokyo") == "10.00 UTC+09:00"
    assert formatting.format_time(at, "Not/AZone") == "01.00 UTC+00:00"


def test_response_deadline_is_the_last_day_unless_earlier():
    brief = sample()["retreat"]
    assert retreat_view(brief)["response_deadline_text"] == "Sabtu, 17 Mei 2025 pukul 23.59 WIB"
    early = {**brief, "response_deadline": "2025-05-10T17:00:00+00:00"}
    # a deadline at midnight reads as the last minute of the day it ends, as on the invitation page
    assert retreat_view(early)["response_deadline_text"] == "Sabtu, 10 Mei 2025 pukul 23.59 WIB"
    odd = {**brief, "response_deadline": "2025-05-10T05:30:00+00:00"}
    assert retreat_view(odd)["response_deadline_text"] == "Sabtu, 10 Mei 2025 pukul 12.30 WIB"
    late = {**brief, "response_deadline": "2025-06-30T00:00:00+07:00"}
    assert retreat_view(late)["response_deadline_text"] == "Sabtu, 17 Mei 2025 pukul 23.59 WIB"
    same = {**brief, "response_deadline": "2025-05-17T17:00:00+00:00"}  # the very end of the last day
    assert retreat_view(same)["response_deadline_text"] == "Sabtu, 17 Mei 2025 pukul 23.59 WIB"
    undated = {key: value for key, value in early.items() if key not in ("starts_on", "ends_on")}
    assert retreat_view(undated)["response_deadline_text"] == "Sabtu, 10 Mei 2025 pukul 23.59 WIB"
    assert retreat_view({"code": "X"})["response_deadline_text"] is None


def test_invitation_email_says_what_where_when_and_links():
    data = sample()
    mail = render_email("invitation", registration_context(data))
    assert mail.subject == "Undangan Retret Pejabat Struktural Kota Malang 2025"
    for part in (mail.text, mail.html):
        assert data["invitation_url"] in part
        assert "Kamis, 15 Mei 2025" in part and "Sabtu, 17 Mei 2025" in part
        assert "WIB" in part
        assert "Poltekad, Karangploso" in part
        assert "Dr. Budi Santoso, S.Sos., M.Si." in part
    assert mail.html.startswith("<!DOCTYPE html>") and 'lang="id"' in mail.html
    assert mail.language == "id"


@pytest.mark.parametrize("type_name,kind", sorted((t, k) for t, k in REGISTRATION_KINDS.items()
                                                   if t.startswith(("participant.", "registration."))))
def test_every_kind_renders_from_its_sample(type_name, kind):
    mail = render_email(kind, registration_context(sample(type_name)))
    assert mail.subject and "\n" not in mail.subject
    assert "Retret Pejabat Struktural Kota Malang 2025" in mail.text
    assert mail.html and "</html>" in mail.html


def test_declined_mentions_the_reason():
    mail = render_email("declined", registration_context(sample("registration.declined")))
    assert "Tugas dinas ke Jakarta" in mail.text and "Tugas dinas ke Jakarta" in mail.html


def test_html_is_escaped_text_is_not():
    data = sample(official={**sample()["official"], "name": "Budi <script>alert(1)</script> & Co"})
    mail = render_email("invitation", registration_context(data))
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html and "&amp; Co" in mail.html
    assert "Budi <script>alert(1)</script> & Co" in mail.text


def test_missing_placeholder_is_rejected():
    context = registration_context(sample())
    del context["invitation_url"]
    with pytest.raises(TemplateError, match="placeholder"):
        render_email("invitation", context)
    with pytest.raises(TemplateError):
        render_email("no-such-kind", registration_context(sample()))


def test_sandbox_refuses_unsafe_access():
    unsafe = templating._files.from_string("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError, match="not allowed"):
        templating._render(unsafe, {})


def test_english_variant_and_fallback():
    english = render_email("invitation", registration_context(sample(), "en"), "en")
    assert english.language == "en" and "Thursday, 15 May 2025" in english.text
    fallback = render_email("confirmation", registration_context(sample("registration.confirmed")), "fr")
    assert fallback.language == "id"


def test_idempotency_key_and_stable_message_id():
    key = idempotency_key("e1", "invitation", "email", "a@b.id")
    assert key == "e1:invitation:email:a@b.id"
    assert message_id(key) == message_id(key)
    assert message_id(key) != message_id("e2:invitation:email:a@b.id")
    assert message_id(key).startswith("<") and message_id(key).endswith("@retret>")
    assert len(message_id(key)) == len("<@retret>") + 32
