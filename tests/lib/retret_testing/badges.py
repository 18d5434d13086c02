"""What is printed on an official's badge, read the way registration makes it (tests only)."""
from __future__ import annotations


def badge_code(registration_id: str) -> str:
    """The code on a registration's QR badge (its nonce signed with the invitation secret)."""
    from registration import tokens
    from registration.context import context
    from registration.models import Registration
    with context.db.session() as session:
        nonce = session.get(Registration, registration_id).badge_nonce
    return tokens.badge_code(context.config.invitation_secret, nonce)
