"""Signed tokens, one salt per kind, so that a token of one kind never works as another (DESIGN §4).

Invitation links carry {"r": registration id, "v": token version}; the version lets the organiser revoke a leaked
link by issuing a new one. Tokens are URL-safe and never end with a dot (the signature comes last)."""
from __future__ import annotations

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
