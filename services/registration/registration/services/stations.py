"""Station tokens: issued by an operator for one retreat and one device, valid until the retreat's last day ends
(in its time zone), revocable. A station token may call only its retreat's check-ins and manifest."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from retret import clock
from retret.http.errors import ApiError
from retret.http.pagination import keyset_page

from .. import tokens
from ..context import context
from ..domain import retreats as retreat_rules
from ..domain.tokens import is_current
from ..models import Retreat, StationToken
from ..views import local
from .common import created_cursor, get_owned, get_retreat

STATION_TOKEN_NOT_FOUND = "Token stasiun tidak ditemukan."
REVOKED = "Token stasiun ini sudah dicabut. Minta token baru kepada operator."
EXPIRED = "Token stasiun ini sudah kedaluwarsa (retret telah berakhir)."
INVALID = "Token stasiun tidak valid."


@dataclass(frozen=True)
class Station:
    """The station a request comes from (its token verified)."""
    token_id: str
    retreat_id: str
    device_id: str


def expires_at(retreat: Retreat) -> datetime:
    """The midnight after the retreat's last day, in its zone: queued scans still upload until then."""
    return retreat_rules.span(retreat.starts_on, retreat.ends_on, retreat.timezone)[1]


def token_view(row: StationToken, token: str | None = None) -> dict:
    tz = row.retreat.timezone
    view = {"id": row.id, "retreat_id": row.retreat_id, "device_id": row.device_id, "label": row.label,
            "expires_at": local(expires_at(row.retreat), tz), "revoked_at": local(row.revoked_at, tz),
            "created_by": row.created_by, "created_at": local(row.created_at, tz)}
    if token is not None:
        view["token"] = token
    return view


def station_url(retreat_id: str, token: str) -> str:
    """The station page's link: retreat and token in the fragment, which never reaches a server or a referrer."""
    return f"{context.config.public_base_url}/station/#retreat={retreat_id}&token={token}"


def _token_of(row: StationToken) -> str:
    return tokens.station_token(context.config.invitation_secret, row.id, row.version)


# --------------------------------------------------------------------------- use cases
def issue(retreat_id: str, data: dict, issued_by: str) -> dict:
    with context.bus.unit_of_work() as session:
        retreat = get_retreat(session, retreat_id, lock=True)
        if retreat.status == retreat_rules.CANCELLED:
            raise ApiError(409, "Retret ini telah dibatalkan.", code="retreat_cancelled")
        row = StationToken(retreat=retreat, retreat_id=retreat.id, device_id=data["device_id"],
                           label=data.get("label"), version=1, created_by=issued_by)
        session.add(row)
        session.flush()
        token = _token_of(row)
        return {**token_view(row, token), "station_url": station_url(retreat.id, token)}


def list_tokens(retreat_id: str, args: dict) -> dict:
    """Without the tokens themselves: a token is shown once, when issued."""
    with context.db.session() as session:
        retreat = get_retreat(session, retreat_id)
        stmt = select(StationToken).where(StationToken.retreat_id == retreat.id)
        rows, cursor = keyset_page(session, stmt, [StationToken.created_at, StationToken.id], args, created_cursor)
        return {"items": [token_view(r) for r in rows], "next_cursor": cursor}


def revoke(station_token_id: str) -> dict:
    """The token stops working at once (its version moves on); revoking again answers the same."""
    with context.bus.unit_of_work() as session:
        row = get_owned(session, StationToken, station_token_id, STATION_TOKEN_NOT_FOUND, lock=True)
        if row.revoked_at is None:
            row.revoked_at, row.version = clock.now(), row.version + 1
            session.flush()
        return token_view(row)


# --------------------------------------------------------------------------- who is calling
def verify(token: str | None) -> Station | None:
    """The station a bearer token belongs to; None when it is not a station token at all (a staff JWT, say).

    A station token that is revoked or expired (or names no stored token) → 401."""
    claim = tokens.read_station(context.config.invitation_secret, token) if token else None
    if claim is None:
        return None
    with context.db.session() as session:
        row = session.get(StationToken, claim.station_token_id)
        if row is None:
            raise ApiError(401, INVALID, code="token_invalid")
        if row.revoked_at is not None or not is_current(row.version, claim.version):
            raise ApiError(401, REVOKED, code="token_revoked")
        if clock.now() >= expires_at(row.retreat):
            raise ApiError(401, EXPIRED, code="token_expired")
        return Station(token_id=row.id, retreat_id=row.retreat_id, device_id=row.device_id)
