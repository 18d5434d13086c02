"""Two-way SMS (pure): what an official's SMS reply says, whose invitation it answers, and what we answer back.

A reply whose first word is HADIR or YA confirms, TIDAK declines (the rest is the reason); case, spaces and
punctuation around the word are ignored. It is applied only when the sender's phone belongs to exactly one
registration whose invitation can still be answered; otherwise the official gets a polite SMS saying how to answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

CONFIRM, DECLINE = "confirm", "decline"
CONFIRM_WORDS = frozenset({"HADIR", "YA"})
DECLINE_WORDS = frozenset({"TIDAK"})
MAX_REASON = 500

# Outcomes of a reply (sms_replies.outcome).
PENDING = "pending"  # handed to registration (sms.reply_received); answered when its status event comes back
UNAPPLIED = "unapplied"  # registration applied nothing in time (its rules refused it, e.g. the retreat is full)
CONFIRMED, DECLINED = "confirmed", "declined"
ALREADY = "already"  # the registration says so already: answered at once, nothing to apply
NOT_UNDERSTOOD = "not_understood"
NOT_MATCHED = "not_matched"  # no registration with this phone
NOT_ANSWERABLE = "not_answerable"  # known, but no invitation that can still be answered
AMBIGUOUS = "ambiguous"  # more than one answerable invitation: the link says which
OUTCOMES = (PENDING, CONFIRMED, DECLINED, ALREADY, NOT_UNDERSTOOD, NOT_MATCHED, NOT_ANSWERABLE, AMBIGUOUS,
            UNAPPLIED)
# A reply still pending this long after it came is answered anyway: registration's rules refused it (no event
# comes back for a refusal), or registration is down. Should its status event come later, that outcome is sent too.
ANSWER_PENDING_AFTER = timedelta(minutes=15)

_FIRST_WORD = re.compile(r"^[^\w]*([^\W\d_]+)(.*)$", re.S)
_LEADING_NOISE = re.compile(r"^[\s.,:;!?\-*/]+")


@dataclass(frozen=True)
class Parsed:
    answer: str | None  # confirm | decline | None (not understood)
    reason: str | None = None


def parse_reply(text: str | None) -> Parsed:
    """HADIR / YA → confirm; TIDAK [reason] → decline; anything else → not understood."""
    found = _FIRST_WORD.match(text or "")
    if not found:
        return Parsed(None)
    word, rest = found.group(1).upper(), found.group(2)
    if word in CONFIRM_WORDS:
        return Parsed(CONFIRM)
    if word in DECLINE_WORDS:
        return Parsed(DECLINE, _reason(rest))
    return Parsed(None)


def _reason(rest: str) -> str | None:
    """The text after TIDAK, one line; a "HADIR" right after it ("TIDAK HADIR, sakit") is not part of it."""
    line = _LEADING_NOISE.sub("", " ".join(rest.split()))
    if line.upper().startswith("HADIR") and (len(line) == 5 or not line[5].isalnum()):
        line = _LEADING_NOISE.sub("", line[5:])
    return line[:MAX_REASON] or None


@dataclass(frozen=True)
class Candidate:
    """A registration of the sender's phone: its status now and whether its invitation can still be answered."""
    registration_id: str
    status: str | None
    answerable: bool


@dataclass(frozen=True)
class Decision:
    outcome: str
    registration_id: str | None = None


def decide(parsed: Parsed, candidates: list[Candidate]) -> Decision:
    """What becomes of a reply from a phone with these registrations."""
    if parsed.answer is None:
        return Decision(NOT_UNDERSTOOD)
    if not candidates:
        return Decision(NOT_MATCHED)
    open_ones = [c for c in candidates if c.answerable]
    if not open_ones:
        return Decision(NOT_ANSWERABLE)
    if len(open_ones) > 1:
        return Decision(AMBIGUOUS)
    [chosen] = open_ones
    if chosen.status == (CONFIRMED if parsed.answer == CONFIRM else DECLINED):  # registration would change nothing
        return Decision(ALREADY, chosen.registration_id)
    return Decision(PENDING, chosen.registration_id)


# Replies that only get "how to answer" back. A sender gets that at most once per HOW_TO_EVERY: a phone's automatic
# reply ("sedang rapat") would otherwise ping-pong with ours forever, each round an SMS we pay for.
HOW_TO_OUTCOMES = frozenset({NOT_UNDERSTOOD, NOT_MATCHED, NOT_ANSWERABLE, AMBIGUOUS})
HOW_TO_EVERY = timedelta(hours=24)


def answers_back(outcome: str, how_to_sent_recently: bool) -> bool:
    """Whether a reply with this outcome is answered now (PENDING is answered once registration applied it)."""
    if outcome == PENDING:
        return False
    return outcome not in HOW_TO_OUTCOMES or not how_to_sent_recently


HOW_TO = ("Balas SMS undangan dengan HADIR (atau YA) bila Anda hadir, atau TIDAK diikuti alasan bila "
          "berhalangan. Anda juga dapat menjawab melalui tautan undangan.")


def answer_text(outcome: str, retreat_title: str | None = None, answer: str | None = None) -> str:
    """The SMS we send back (Bahasa Indonesia, GSM-7 where the retreat's title allows)."""
    title = retreat_title or "retret"
    if outcome == ALREADY:
        what = "Kehadiran" if answer == CONFIRM else "Ketidakhadiran"
        return f"{what} Anda pada {title} sudah tercatat sebelumnya. Terima kasih."
    texts = {
        CONFIRMED: f"Terima kasih. Kehadiran Anda pada {title} telah kami catat. Rincian dan tanda peserta "
                   f"dikirim melalui email.",
        DECLINED: f"Terima kasih. Ketidakhadiran Anda pada {title} telah kami catat.",
        NOT_UNDERSTOOD: f"Maaf, balasan Anda tidak kami pahami. {HOW_TO}",
        NOT_MATCHED: "Maaf, nomor ini tidak terdaftar pada undangan retret yang masih dapat dijawab. Silakan "
                     "jawab melalui tautan undangan atau hubungi panitia.",
        NOT_ANSWERABLE: "Maaf, undangan retret Anda tidak dapat dijawab lagi (batas waktu sudah lewat atau retret "
                        "tidak dibuka). Hubungi panitia bila perlu.",
        UNAPPLIED: "Maaf, jawaban Anda belum dapat kami catat (misalnya kuota retret sudah penuh atau batas waktu "
                   "sudah lewat). Silakan buka tautan undangan atau hubungi panitia.",
        AMBIGUOUS: "Nomor ini terdaftar pada lebih dari satu undangan retret yang masih terbuka. Silakan jawab "
                   "melalui tautan pada masing-masing undangan.",
    }
    return texts[outcome]
