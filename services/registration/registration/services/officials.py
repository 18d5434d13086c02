"""Officials, addressed by NIP: create, read, replace; a change is told to subscribers (participant.updated)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retret.http.errors import ApiError
from retret.http.pagination import keyset_page
from retret.rules.nip import normalize_nip

from ..context import context
from ..domain import retreats as retreat_rules
from ..domain.officials import PROFILE_FIELDS, changed_fields
from ..event_data import official_data, participant_updated
from ..models import Official, Registration, Retreat
from ..views import official_view
from .common import OFFICIAL_NOT_FOUND, not_found

NIP_TAKEN = "Pejabat dengan NIP ini sudah terdaftar; ubah datanya dengan PUT /officials/{nip}."
NIP_MISMATCH = "NIP pada isi permintaan harus sama dengan NIP pada alamat."


def update_official(session: Session, official: Official, incoming: dict) -> list[str]:
    """Apply the profile fields present in `incoming`; emit participant.updated when something changed."""
    changed = changed_fields(official_data(official), incoming)
    if not changed:
        return []
    for name in changed:
        setattr(official, name, incoming[name])
    session.flush()
    context.bus.record(session, "participant.updated",
                       participant_updated(official, changed, _known_registration_ids(session, official.nip)))
    return changed


def _known_registration_ids(session: Session, nip: str) -> list[str]:
    """The registrations subscribers know about (not those still waiting in a draft retreat)."""
    rows = session.execute(
        select(Registration.id, Retreat.status).join(Retreat, Registration.retreat_id == Retreat.id)
        .where(Registration.official_nip == nip).order_by(Registration.created_at, Registration.retreat_id)).all()
    return [registration_id for registration_id, status in rows if retreat_rules.announces(status)]


_LOOK_UP = object()


def apply_official(session: Session, data: dict, existing: Official | None | object = _LOOK_UP) -> Official:
    """The official with `data["nip"]`, created or updated with the fields given. `existing`: the caller already
    looked it up (the official, or None when there is none: a bulk import asks for a batch at a time). A new one is
    not flushed yet, so that such an import inserts its new officials together."""
    official = session.get(Official, data["nip"]) if existing is _LOOK_UP else existing
    if official is None:
        official = Official(**{name: data.get(name) for name in ("nip",) + PROFILE_FIELDS})
        session.add(official)
        return official
    update_official(session, official, data)
    return official


def create_official(data: dict) -> dict:
    try:
        with context.bus.unit_of_work() as session:
            if session.get(Official, data["nip"]) is not None:
                raise ApiError(409, NIP_TAKEN, code="nip_taken", errors={"nip": [NIP_TAKEN]})
            official = apply_official(session, data)
            session.flush()  # the view shows the stored times
            return official_view(official)
    except IntegrityError:
        raise ApiError(409, NIP_TAKEN, code="nip_taken", errors={"nip": [NIP_TAKEN]}) from None


def replace_official(nip: str, data: dict) -> dict:
    """PUT: the whole profile (fields left out are cleared)."""
    with context.bus.unit_of_work() as session:
        official = _get(session, nip)
        if data.get("nip", official.nip) != official.nip:
            raise ApiError(422, NIP_MISMATCH, errors={"nip": [NIP_MISMATCH]})
        update_official(session, official, {name: data.get(name) for name in PROFILE_FIELDS})
        return official_view(official)


def read_official(nip: str) -> dict:
    with context.db.session() as session:
        return official_view(_get(session, nip))


def list_officials(args: dict) -> dict:
    stmt = select(Official)
    for name in ("unit_code", "position_kind"):
        if args.get(name):
            stmt = stmt.where(getattr(Official, name) == args[name])
    with context.db.session() as session:
        rows, cursor = keyset_page(session, stmt, [Official.nip], args, _nip_cursor)
        return {"items": [official_view(o) for o in rows], "next_cursor": cursor}


def _path_nip(raw: str) -> str | None:
    nip = normalize_nip(raw[:100])
    return nip if len(nip) == 18 and nip.isascii() and nip.isdigit() else None


def _get(session: Session, raw_nip: str) -> Official:
    nip = _path_nip(raw_nip)
    official = session.get(Official, nip) if nip else None
    if official is None:
        raise not_found(OFFICIAL_NOT_FOUND)
    return official


def _nip_cursor(values: list) -> list:
    nip = values[0] if isinstance(values[0], str) else None
    if nip is None or _path_nip(nip) != nip:
        raise ValueError("bad cursor")
    return [nip]
