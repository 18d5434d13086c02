"""Official data: which fields a registration or an update changed."""
from __future__ import annotations

from typing import Mapping

PROFILE_FIELDS = ("name", "position", "position_kind", "unit_code", "unit_name", "rank", "echelon",
                  "email", "phone", "language")
OFFICIAL_FIELDS = ("nip",) + PROFILE_FIELDS

POSITION_KINDS = ("sekda", "asisten", "staf_ahli", "kepala_opd", "kepala_bagian", "camat", "lurah", "bumd",
                  "other")
RANKS = tuple(f"{grade}/{letter}" for grade, letters in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"),
                                                         ("IV", "abcde")) for letter in letters)
# Of the messages to an official (notifications renders those two); none: the retreat's language.
LANGUAGES = ("id", "en")
# What a spreadsheet may say for a language, lower-cased: the codes, and the names an organiser types.
LANGUAGE_WORDS = {"id": "id", "indonesia": "id", "bahasa indonesia": "id", "indonesian": "id",
                  "en": "en", "english": "en", "inggris": "en", "bahasa inggris": "en"}
ECHELONS = tuple(f"{level}.{letter}" for level in ("I", "II", "III", "IV", "V") for letter in "ab")


def language_code(text: str) -> str:
    """The code a spreadsheet's word for a language means ("Inggris" → "en"); anything else unchanged, for the
    schema to refuse with its message."""
    return LANGUAGE_WORDS.get(" ".join(text.split()).lower(), text)


def changed_fields(current: Mapping, incoming: Mapping) -> list[str]:
    """Profile fields present in `incoming` whose value differs from `current`, in a stable order."""
    return [name for name in PROFILE_FIELDS if name in incoming and incoming[name] != current.get(name)]
