"""SMS text rules (pure): sanitising, GSM-7 / UCS-2, segment counts, fitting the invitation in two segments;
the SMS templates; what each Kannel delivery report means."""
import copy
from datetime import date

import pytest

from notifications.domain import delivery_reports as dlr
from notifications.domain import lifecycle as lc
from notifications.domain import sms
from notifications.domain.formatting import format_date_range_short
from notifications.domain.messages import registration_context
from notifications.templating import TemplateError, render_sms
from retret.events.catalogue import CATALOGUE

INVITATION_URL = CATALOGUE["participant.invited"].sample["invitation_url"]


def sample(type_name="participant.invited", official=None, retreat=None, **changes):
    data = copy.deepcopy(CATALOGUE[type_name].sample)
    data["official"].update(official or {})
    data["retreat"].update(retreat or {})
    data.update(changes)
    return data


# ------------------------------------------------------------------------------------------ sanitise
@pytest.mark.parametrize("raw,clean", [
    ("\u201cRetret\u201d \u2018ASN\u2019", "\"Retret\" 'ASN'"),
    ("08.00\u201310.00 \u2014 Apel", "08.00-10.00 - Apel"),
    ("Tunggu\u2026", "Tunggu..."),
    ("Yth.\u00a0Budi\u2002Santoso", "Yth. Budi Santoso"),
    ("  banyak   spasi\t\tdan tab  ", "banyak spasi dan tab"),
    ("bel\x07 esc\x1b nul\x00 del\x7f", "bel esc nul del"),
    ("zero\u200bwidth\ufeff soft\u00adhyphen \u200ebidi", "zerowidth softhyphen bidi"),
    ("baris 1\r\nbaris 2\r\r\r\rbaris 3", "baris 1\nbaris 2\n\nbaris 3"),
    ("e\u0301", "\u00e9"),  # decomposed é becomes the GSM-7 é
    ("", ""),
])
def test_sanitize(raw, clean):
    assert sms.sanitize(raw) == clean


def test_sanitized_typography_stays_gsm7():
    text = sms.sanitize("Rapat \u201cpenting\u201d \u2013 pukul 08.00\u201309.00 \u2026")
    assert sms.encoding(text) == sms.GSM7


# ------------------------------------------------------------------------------------------ encoding
@pytest.mark.parametrize("text,encoding", [
    ("Yth. Budi, Anda diundang. https://retret.example.go.id/x?a=1&b=2", sms.GSM7),
    ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", sms.GSM7),
    ("Harga {Rp} [diskon] ~ | \\ ^ €", sms.GSM7),  # the extension table
    ("Budi \u015eantoso", sms.UCS2),  # Ş is not GSM-7
    ("Selamat \U0001F600", sms.UCS2),
    ("\u201ckutip\u201d", sms.UCS2),  # typographic quotes, before sanitising
    ("ç", sms.UCS2),  # only the capital Ç is in GSM 03.38
])
def test_encoding(text, encoding):
    assert sms.encoding(text) == encoding


@pytest.mark.parametrize("text,length,segments", [
    ("", 0, 1),
    ("a" * 160, 160, 1),
    ("a" * 161, 161, 2),
    ("a" * 306, 306, 2),
    ("a" * 307, 307, 3),
    ("€" * 80, 160, 1),  # extension characters count double
    ("€" * 81, 162, 2),
    ("a" * 159 + "€", 161, 2),
    ("a" * 152 + "€" + "a" * 152, 306, 3),  # the escape pair is not split across parts: 152 | 2+151 | 1
    ("\u015f" * 70, 70, 1),
    ("\u015f" * 71, 71, 2),
    ("\u015f" * 134, 134, 2),
    ("\u015f" * 135, 135, 3),
    ("\U0001F600" * 35, 70, 1),  # outside the BMP: two UTF-16 units each
    ("\U0001F600" * 36, 72, 2),
    ("\u015f" * 66 + "\U0001F600" + "\u015f" * 66, 134, 3),  # the surrogate pair is not split: 66 | 2+65 | 1
])
def test_segments(text, length, segments):
    info = sms.sms_info(text)
    assert (info.length, info.segments) == (length, segments)
    assert info.per_segment == {sms.GSM7: 160 if segments == 1 else 153,
                                sms.UCS2: 70 if segments == 1 else 67}[info.encoding]


def test_shorten():
    assert sms.shorten("Retret Pejabat", 50) == "Retret Pejabat"
    assert sms.shorten("Retret Pejabat Struktural", 12) == "Retret Pe..."
    assert sms.shorten("Retret, Pejabat", 10) == "Retret..."  # no dangling punctuation before the mark
    assert sms.shorten("abcdef", 3) == "abc"


def test_fit_shortens_free_text_never_the_rest():
    link = "https://retret.example.go.id/portal/invitations/" + "x" * 80

    def render(parts):
        return f"Yth. {parts['name']}, Anda diundang ke {parts['title']}. Konfirmasi: {link}"

    short = sms.fit(render, {"name": "Budi", "title": "Retret 2025"})
    assert short == render({"name": "Budi", "title": "Retret 2025"})
    text = sms.fit(render, {"name": "Dr. Budi Santoso, S.Sos., M.Si. " * 3, "title": "Retret Pejabat " * 20})
    assert sms.segments(text) == 2 and text.endswith(f"Konfirmasi: {link}")
    assert "..." in text and text.startswith("Yth. Dr. Budi")
    # A non-GSM letter in a part would switch it all to UCS-2 (70/67): the parts are written in GSM-7 first
    text = sms.fit(render, {"name": "Budi \u015eantoso", "title": "Retret Pejabat " * 20})
    assert sms.encoding(text) == sms.GSM7 and sms.segments(text) == 2 and text.endswith(link)
    assert text.startswith("Yth. Budi Santoso, ")


def test_fit_keeps_unicode_when_it_fits_and_ucs2_templates_still_fit():
    def render(parts):
        return f"Yth. {parts['name']}, Anda diundang ke {parts['title']}."

    assert sms.fit(render, {"name": "Budi \u015eantoso", "title": "Retret"}) == \
        "Yth. Budi \u015eantoso, Anda diundang ke Retret."

    def ucs2_template(parts):  # the template itself is UCS-2: the parts are shortened for 2 x 67 units
        return f"\U0001F64F Yth. {parts['name']}, Anda diundang ke {parts['title']}. https://r.example/x"

    text = sms.fit(ucs2_template, {"name": "Budi", "title": "Retret Pejabat Struktural " * 10})
    assert sms.encoding(text) == sms.UCS2 and sms.segments(text) == 2 and text.endswith("https://r.example/x")


@pytest.mark.parametrize("raw,gsm", [
    ("Budi \u015eantoso", "Budi Santoso"), ("Fran\u00e7ois", "Francois"), ("\u0130stanbul \u0131\u015f\u0131k", "Istanbul isik"),
    ("\u00c9lodie M\u00fcller", "\u00c9lodie M\u00fcller"),  # É and ü are GSM-7 already
    ("Retret \U0001F600 2025", "Retret 2025"), ("\u0141\u00f3d\u017a", "Lodz"),
])
def test_to_gsm7(raw, gsm):
    assert sms.to_gsm7(raw) == gsm and sms.is_gsm7(gsm)


def test_fit_never_cuts_the_link_even_when_it_cannot_fit():
    link = "https://retret.example.go.id/" + "y" * 400
    text = sms.fit(lambda p: f"{p['name']} {link}", {"name": "Budi Santoso bin Ahmad"}, max_segments=2)
    assert text.endswith(link) and sms.segments(text) > 2
    assert text.startswith("Budi Sant... ")  # shortened to the minimum (12 characters), not removed


# ------------------------------------------------------------------------------------------ templates
def test_short_date_ranges():
    assert format_date_range_short(date(2025, 5, 15), date(2025, 5, 17)) == "15-17 Mei 2025"
    assert format_date_range_short(date(2025, 5, 30), date(2025, 6, 1)) == "30 Mei - 1 Juni 2025"
    assert format_date_range_short(date(2025, 12, 30), date(2026, 1, 2)) == "30 Desember 2025 - 2 Januari 2026"
    assert format_date_range_short(date(2025, 5, 15), date(2025, 5, 15)) == "15 Mei 2025"
    assert format_date_range_short(date(2025, 5, 15), date(2025, 5, 17), "en") == "15-17 May 2025"


def test_invitation_sms():
    rendered = render_sms("invitation", registration_context(sample()))
    assert rendered.text == ("Yth. Dr. Budi Santoso, S.Sos., M.Si., Anda diundang ke Retret Pejabat Struktural "
                             f"Kota Malang 2025, 15-17 Mei 2025. Konfirmasi: {INVITATION_URL}")
    assert rendered.language == "id"
    assert rendered.info.encoding == sms.GSM7 and rendered.info.segments == 2


def test_invitation_sms_keeps_two_segments_and_the_link():
    data = sample(official={"name": "Prof. Dr. Ir. Raden Mas Budi Santoso Wicaksono Hadiningrat, S.Sos., M.Si."},
                  retreat={"title": "Retret \u201cPenguatan Wawasan Kebangsaan\u201d \u2014 Pejabat Struktural "
                                    "Eselon II, III dan IV Pemerintah Kota Malang Tahun Anggaran 2025"},
                  invitation_url=INVITATION_URL + "a" * 60)
    rendered = render_sms("invitation", registration_context(data))
    assert rendered.info.segments == 2 and rendered.info.encoding == sms.GSM7
    assert rendered.text.endswith("Konfirmasi: " + INVITATION_URL + "a" * 60)
    assert "..." in rendered.text and "15-17 Mei 2025" in rendered.text
    assert "\u201c" not in rendered.text and '"Penguatan' in rendered.text


def test_invitation_sms_with_a_non_gsm_name_still_fits():
    data = sample(official={"name": "Budi \u015eantoso"})
    rendered = render_sms("invitation", registration_context(data))
    assert rendered.info.encoding == sms.GSM7 and rendered.info.segments == 2
    assert rendered.text.startswith("Yth. Budi Santoso, ") and rendered.text.endswith(INVITATION_URL)
    short = render_sms("confirmation", registration_context(sample(
        "registration.confirmed", official={"name": "Budi \u015eantoso"}, invitation_url=None)))
    assert short.info.encoding == sms.UCS2 and "Budi \u015eantoso" in short.text  # it fits as it is


def test_confirmation_sms():
    rendered = render_sms("confirmation", registration_context(sample("registration.confirmed")))
    assert "terima kasih, kehadiran Anda di Retret Pejabat Struktural Kota Malang 2025" in rendered.text
    assert "telah dikonfirmasi" in rendered.text and rendered.info.segments <= 2
    without_link = render_sms("confirmation", registration_context(sample("registration.confirmed",
                                                                          invitation_url=None)))
    assert without_link.text.endswith("telah dikonfirmasi.")


def test_sms_templates_reject_missing_placeholders():
    context = registration_context(sample())
    del context["invitation_url"]
    with pytest.raises(TemplateError, match="placeholder"):
        render_sms("invitation", context)
    with pytest.raises(TemplateError):
        render_sms("no-such-kind", registration_context(sample()))


def test_sms_english_variant_and_fallback():
    assert render_sms("invitation", registration_context(sample(), "en"), "en").text.startswith("Dear ")
    assert render_sms("confirmation", registration_context(sample("registration.confirmed")), "fr").language == "id"


# ------------------------------------------------------------------------------------------ delivery reports
@pytest.mark.parametrize("code,current,expected", [
    (1, lc.SENT, lc.DELIVERED),
    (1, lc.SENDING, lc.DELIVERED),
    (1, lc.TECHNICAL_FAILURE, lc.DELIVERED),  # the report proves delivery
    (8, lc.SENDING, lc.SENT),
    (8, lc.TECHNICAL_FAILURE, lc.SENT),
    (8, lc.SENT, None),
    (8, lc.DELIVERED, None),  # a late 8 after 1
    (4, lc.SENT, None),
    (2, lc.SENT, lc.PERMANENT_FAILURE),
    (16, lc.SENDING, lc.PERMANENT_FAILURE),
])
def test_report_outcomes(code, current, expected):
    assert dlr.outcome(code, current, attempts=1, report_attempt=1).status == expected


def test_report_details_and_notes():
    buffered = dlr.outcome(4, lc.SENT, 1, 1, "queued at SMSC")
    assert buffered.status is None and buffered.note
    assert buffered.detail == "DLR 4: buffered at the SMSC (attempt 1): queued at SMSC"
    assert not dlr.outcome(4, lc.DELIVERED, 1).note  # nothing to note on a final message
    older = dlr.outcome(2, lc.SENDING, attempts=2, report_attempt=1)
    assert older.status is None and older.note and "older attempt" in older.detail
    assert dlr.outcome(1, lc.SENDING, attempts=2, report_attempt=1).status == lc.DELIVERED
    assert dlr.DLR_MASK_ALL == 31
    with pytest.raises(ValueError):
        dlr.outcome(3, lc.SENT, 1)
