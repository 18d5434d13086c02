"""Official change detection and reference values (pure)."""
from registration.domain.officials import ECHELONS, LANGUAGES, POSITION_KINDS, RANKS, changed_fields, language_code

CURRENT = {"nip": "198609262015051001", "name": "Budi", "position": "Camat", "email": "a@b.id", "phone": None,
           "rank": "IV/a"}


def test_nothing_changed():
    assert changed_fields(CURRENT, {"name": "Budi", "position": "Camat"}) == []


def test_only_present_fields_are_compared_in_a_stable_order():
    changed = changed_fields(CURRENT, {"phone": "+6281234567890", "name": "Dr. Budi", "unit_code": None})
    assert changed == ["name", "phone"]


def test_clearing_a_field_is_a_change():
    assert changed_fields(CURRENT, {"email": None}) == ["email"]


def test_nip_is_never_a_change():
    assert changed_fields(CURRENT, {"nip": "199001012015051002"}) == []


def test_reference_values():
    assert RANKS[0] == "I/a" and RANKS[-1] == "IV/e" and len(RANKS) == 17
    assert ECHELONS[0] == "I.a" and ECHELONS[-1] == "V.b" and "III.b" in ECHELONS and len(ECHELONS) == 10
    assert "kepala_opd" in POSITION_KINDS and "other" in POSITION_KINDS


def test_a_language_is_a_profile_field_and_its_names_read_as_codes():
    assert changed_fields({"name": "Budi", "language": None}, {"language": "en"}) == ["language"]
    assert LANGUAGES == ("id", "en")
    assert [language_code(text) for text in ("EN", "inggris", " Bahasa   Indonesia ", "english", "fr")] == [
        "en", "en", "id", "en", "fr"]
