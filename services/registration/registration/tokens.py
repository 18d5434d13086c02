"""Signed tokens, one salt per kind, so that a token of one kind never works as another (DESIGN §4).

Invitation links carry {"r": registration id, "v": token version}; the version lets the organiser revoke a leaked
link by issuing a new one. Tokens are URL-safe and never end with a dot (the signature comes last).

A badge code (the QR on an official's badge) carries only a random nonce kept on the registration, signed with the
badge salt: it names nobody, cannot be guessed, and never works as an invitation link (nor a link as a badge)."""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeSerializer

INVITATION, BADGE, STATION = "invitation", "badge", "station"
SALTS = {INVITATION: "invitation", BADGE: "badge", STATION: "station"}
MAX_TOKEN_LENGTH = 500


def serializer(secret: str, kind: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALTS[kind])


@dataclass(frozen=True)
class InvitationClaim:
    registration_id: str
    version: object  # checked against the registration by domain.tokens.is_current


def invitation_token(secret: str, registration_id: str, version: int) -> str:
    return serializer(secret, INVITATION).dumps({"r": str(registration_id), "v": int(version)})


def invitation_url(base_url: str, secret: str, registration_id: str, version: int) -> str:
    return f"{base_url}/portal/invitations/{invitation_token(secret, registration_id, version)}"


def read_invitation(secret: str, token: str) -> InvitationClaim | None:
    """The claim of a genuine invitation token, or None (bad signature, other kind, malformed)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = serializer(secret, INVITATION).loads(token)
    except (BadData, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), str):
        return None
    try:
        registration_id = str(uuid.UUID(payload["r"]))
    except ValueError:
        return None
    return InvitationClaim(registration_id=registration_id, version=payload.get("v"))


def new_badge_nonce() -> str:
    """The random part of a registration's badge code (kept on the registration)."""
    return secrets.token_urlsafe(12)


def badge_code(secret: str, nonce: str) -> str:
    return serializer(secret, BADGE).dumps(nonce)


def read_badge(secret: str, code: str) -> str | None:
    """The nonce of a genuine badge code, or None (bad signature, another kind of token, malformed)."""
    if not isinstance(code, str) or not code or len(code) > MAX_TOKEN_LENGTH:
        return None
    try:
        nonce = serializer(secret, BADGE).loads(code.strip())
    except (BadData, ValueError, TypeError, UnicodeError):
        return None
    return nonce if isinstance(nonce, str) and 0 < len(nonce) <= 64 else None


def badge_code_hash(code: str) -> str:
    """What a station's manifest carries instead of the code: a station checks a scan offline by hashing it."""
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StationClaim:
    station_token_id: str
    version: object  # checked against the stored token's version (revoking bumps it)


def station_token(secret: str, station_token_id: str, version: int) -> str:
    return serializer(secret, STATION).dumps({"s": str(station_token_id), "v": int(version)})


def read_station(secret: str, token: str) -> StationClaim | None:
    """The claim of a genuine station token, or None (bad signature, another kind of token, malformed)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = serializer(secret, STATION).loads(token)
    except (BadData, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), str):
        return None
    try:
        station_token_id = str(uuid.UUID(payload["s"]))
    except ValueError:
        return None
    return StationClaim(station_token_id=station_token_id, version=payload.get("v"))
