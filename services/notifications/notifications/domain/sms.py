"""SMS text rules (pure): make a text safe to send, tell its encoding, count its segments, fit it in N segments.

- Encoding: GSM-7 when every character is in the GSM 03.38 basic set or its extension table (extension
  characters cost two septets: the escape and the character), otherwise UCS-2 (UTF-16 code units; a character
  outside the BMP, an emoji, costs two).
- Segments: GSM-7 160 septets in one SMS, 153 per part of a concatenated one; UCS-2 70 / 67 units. A
  two-unit character is never split between parts (phones would show garbage), so parts may hold one less.
- Sanitising replaces typographic quotes, dashes and the like by their GSM-7 equivalents, so that an Indonesian
  text pasted from a word processor does not silently fall back to UCS-2 (which more than halves the length).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Mapping

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# GSM 03.38 basic character set (the escape 0x1B excluded: it is not a character anyone writes).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (escape + character).
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {GSM7: 160, UCS2: 70}
PER_PART = {GSM7: 153, UCS2: 67}

# Typographic characters → GSM-7 equivalents.
REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": "-", "\u2024": ".",
}
# Removed altogether: soft hyphen and zero-width characters (invisible, but they would force UCS-2).
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but a newline (tabs, no-break and other Unicode spaces)
_BLANK_LINES = re.compile(r"\n{3,}")
ELLIPSIS = "..."


@dataclass(frozen=True)
class SmsInfo:
    encoding: str  # GSM-7 | UCS-2
    length: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # capacity of one segment for this text (160/153 or 70/67)


def sanitize(text: str) -> str:
    """A text fit for SMS: NFC, typographic quotes/dashes replaced, control and invisible characters removed,
    spaces collapsed, lines trimmed, at most one blank line in a row, no leading/trailing whitespace."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for char in text:
        if char in REPLACEMENTS:
            out.append(REPLACEMENTS[char])
        elif char in INVISIBLE:
            continue
        elif char in "\n\t" or char.isspace():
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue  # control, format (bidi marks), lone surrogates, private use, unassigned
        else:
            out.append(char)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(out).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def encoding(text: str) -> str:
    return GSM7 if is_gsm7(text) else UCS2


def _costs(text: str, enc: str) -> list[int]:
    if enc == GSM7:
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def _parts(costs: list[int], capacity: int) -> int:
    """How many parts of `capacity` the costs fill, a two-unit character never split between parts."""
    parts, used = 1, 0
    for cost in costs:
        if used + cost > capacity:
            parts, used = parts + 1, 0
        used += cost
    return parts


def sms_info(text: str) -> SmsInfo:
    """Encoding, length and segment count of `text` as it will be sent (an empty text still costs one SMS)."""
    enc = encoding(text)
    costs = _costs(text, enc)
    length = sum(costs)
    if length <= SINGLE[enc]:
        return SmsInfo(enc, length, 1, SINGLE[enc])
    return SmsInfo(enc, length, _parts(costs, PER_PART[enc]), PER_PART[enc])


def segments(text: str) -> int:
    return sms_info(text).segments


def shorten(text: str, length: int) -> str:
    """`text` cut to at most `length` characters, marked with "..." when cut (room permitting)."""
    if len(text) <= length:
        return text
    if length <= len(ELLIPSIS):
        return text[:max(length, 0)]
    return text[: length - len(ELLIPSIS)].rstrip(" ,.;:-") + ELLIPSIS


def to_gsm7(text: str) -> str:
    """`text` with every character outside GSM-7 replaced by its base letter ("Ş" → "S", "ç" → "c") or a
    spelled-out equivalent, or dropped when it has none (an emoji)."""
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENSION:
            out.append(char)
        elif char in _SPELLED:
            out.append(_SPELLED[char])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char)
                           if c in GSM7_BASIC or c in GSM7_EXTENSION)
            out.append(base)
    return _SPACES.sub(" ", "".join(out)).strip()


_SPELLED = {"ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "Þ": "Th", "œ": "oe",
            "Œ": "OE", "ŀ": "l", "ħ": "h", "ŧ": "t"}


def fit(render: Callable[[Mapping[str, str]], str], parts: Mapping[str, str], max_segments: int = 2,
        min_length: int = 12) -> str:
    """Render, and while the text does not fit in `max_segments`: first write the free-text `parts` in GSM-7
    (a single "Ş" in a name would otherwise switch the whole SMS to UCS-2, which more than halves its room),
    then shorten them (longest first, never below `min_length` characters). Everything else (the link) is
    never touched; when even the shortest parts do not fit, the shortest text is returned (a longer SMS beats
    one without its link)."""
    original = {name: sanitize(value or "") for name, value in parts.items()}
    current = dict(original)
    text = render(current)
    if sms_info(text).segments > max_segments and not is_gsm7(text):
        original = {name: to_gsm7(value) for name, value in original.items()}
        current = dict(original)
        text = render(current)
    while sms_info(text).segments > max_segments:
        shrinkable = [n for n, v in current.items() if len(v) > min_length]
        if not shrinkable:
            break
        name = max(shrinkable, key=lambda n: len(current[n]))
        target = max(min_length, len(current[name]) - _excess(text, max_segments))
        current[name] = shorten(original[name], target)
        text = render(current)
    return text


def _excess(text: str, max_segments: int) -> int:
    """About how many characters too long `text` is for `max_segments` (at least 1 while it does not fit)."""
    info = sms_info(text)
    capacity = SINGLE[info.encoding] if max_segments == 1 else PER_PART[info.encoding] * max_segments
    return max(1, info.length - capacity)


def ucs2_characters(text: str) -> list[str]:
    """The characters of `text` that force UCS-2 (each once, in order of appearance): what to change to keep the
    SMS in GSM-7."""
    seen: list[str] = []
    for char in text:
        if char not in GSM7_BASIC and char not in GSM7_EXTENSION and char not in seen:
            seen.append(char)
    return seen


def replaced_characters(text: str) -> list[str]:
    """The characters of `text` that sanitising replaces or removes before sending (typographic quotes, dashes,
    invisible ones): they do not force UCS-2 because they never reach the gateway."""
    seen: list[str] = []
    for char in text:
        if (char in REPLACEMENTS or char in INVISIBLE) and char not in seen:
            seen.append(char)
    return seen
