"""Token versioning (pure) and the signed tokens of registration/tokens.py."""
import uuid

import pytest
from itsdangerous import URLSafeSerializer

from registration import tokens
from registration.domain import DomainError
from registration.domain.tokens import FIRST_VERSION, check_reissue, is_current, next_version

SECRET = "s3cret"
REG = str(uuid.uuid4())


def test_only_the_current_version_is_accepted():
    assert is_current(1, 1)
    assert not is_current(2, 1)
    assert not is_current(1, True)  # a boolean is not a version
    assert not is_current(1, "1")
    assert not is_current(1, None)
    assert next_version(FIRST_VERSION) == 2


@pytest.mark.parametrize("status, retreat_status, code", [
    ("waitlisted", "published", "waitlisted"), ("cancelled", "published", "registration_cancelled"),
    ("invited", "cancelled", "retreat_cancelled"),
])
def test_reissue_refusals(status, retreat_status, code):
    with pytest.raises(DomainError) as excinfo:
        check_reissue(status, retreat_status)
    assert excinfo.value.code == code


@pytest.mark.parametrize("status", ["invited", "confirmed", "declined"])
def test_reissue_allowed(status):
    check_reissue(status, "published")


def test_invitation_token_round_trip_is_url_safe_and_never_ends_with_a_dot():
    for version in range(1, 50):
        token = tokens.invitation_token(SECRET, REG, version)
        assert not token.endswith(".")
        assert all(c.isalnum() or c in "-_." for c in token)
        claim = tokens.read_invitation(SECRET, token)
        assert claim.registration_id == REG and claim.version == version


def test_the_link_is_under_the_portal():
    url = tokens.invitation_url("http://retret.test", SECRET, REG, 1)
    assert url == f"http://retret.test/portal/invitations/{tokens.invitation_token(SECRET, REG, 1)}"


@pytest.mark.parametrize("token", [
    "", "abc", "a.b", "." * 10, "x" * 600, None,
    URLSafeSerializer(SECRET, salt="badge").dumps({"r": REG, "v": 1}),     # another kind
    URLSafeSerializer("other", salt="invitation").dumps({"r": REG, "v": 1}),  # another secret
    URLSafeSerializer(SECRET, salt="invitation").dumps({"r": "not-a-uuid", "v": 1}),
    URLSafeSerializer(SECRET, salt="invitation").dumps([REG, 1]),
    URLSafeSerializer(SECRET, salt="invitation").dumps({"r": 5, "v": 1}),
])
def test_anything_else_is_not_an_invitation(token):
    assert tokens.read_invitation(SECRET, token) is None


def test_a_tampered_token_is_refused():
    token = tokens.invitation_token(SECRET, REG, 1)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert tokens.read_invitation(SECRET, tampered) is None


def test_one_salt_per_kind():
    assert len(set(tokens.SALTS.values())) == len(tokens.SALTS) == 3


def test_a_badge_code_carries_its_nonce_and_is_never_an_invitation_link():
    nonce = tokens.new_badge_nonce()
    code = tokens.badge_code(SECRET, nonce)
    assert tokens.read_badge(SECRET, code) == nonce == tokens.read_badge(SECRET, f"  {code} ")
    assert tokens.read_badge("another-secret", code) is None
    payload, signature = code.rsplit(".", 1)  # the signature's first character (its last may be spare bits)
    assert tokens.read_badge(SECRET, f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}") is None
    invitation = tokens.invitation_token(SECRET, REG, 1)
    assert tokens.read_badge(SECRET, invitation) is None  # a link is not a badge
    assert tokens.read_invitation(SECRET, code) is None  # a badge is not a link
    assert tokens.badge_code_hash(code) == tokens.badge_code_hash(f"{code}\n")
    assert len(tokens.badge_code_hash(code)) == 64
    assert tokens.new_badge_nonce() != nonce
    for junk in ("", "x" * 501, None, 42):
        assert tokens.read_badge(SECRET, junk) is None
