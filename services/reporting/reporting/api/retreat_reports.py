"""Reports of one retreat for the city secretariat: summary, by unit, by session, who the messages reached."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import SECRETARIAT
from retret.http.docs import problems, staff
from retret.http.pagination import PageArgs
from retret.timezones import in_zone

from .. import queries
from ..context import context
from ..domain import reach, summary
from ..schemas import ReachSchema, SessionListSchema, SummarySchema, UnitListSchema
from .common import PREFIX, page_items

blp = Blueprint("retreat_reports", __name__, url_prefix=f"{PREFIX}/retreats",
                description="Reports of one retreat (admin, secretariat), projected from the events.")

NOT_FOUND = (404, "Unknown retreat (or one the projection has not heard of yet), or an id that is not a UUID.")
BAD_QUERY = (422, "Bad limit or cursor.")


@blp.route("/<uuid:retreat_id>/summary")
@staff(SECRETARIAT)
@problems(NOT_FOUND)
@blp.response(200, SummarySchema)
def get_summary(retreat_id):
    """Registrations, attendance over ended mandatory sessions, certificates, and the sequences they are as of."""
    with context.db.session() as session:
        retreat = queries.get_retreat(session, str(retreat_id))
        facts = queries.retreat_facts(session, retreat)
    return summary.summarize(facts, queries.as_of(context.bus.cursor_status()))


@blp.route("/<uuid:retreat_id>/units")
@staff(SECRETARIAT)
@problems(NOT_FOUND, BAD_QUERY)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, UnitListSchema)
def get_units(retreat_id, **page):
    """One item per unit (OPD, kecamatan, kelurahan) that has registrations, ordered by unit code."""
    with context.db.session() as session:
        facts = queries.retreat_facts(session, queries.get_retreat(session, str(retreat_id)))
    items, next_cursor = page_items(summary.unit_rows(facts), _unit_key, (int, str, str), page)
    return {"items": items, "next_cursor": next_cursor}


def _unit_key(row: dict) -> list:
    return [0 if row["unit_code"] is not None else 1, row["unit_code"] or "", row["unit_name"] or ""]


@blp.route("/<uuid:retreat_id>/sessions")
@staff(SECRETARIAT)
@problems(NOT_FOUND, BAD_QUERY)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, SessionListSchema)
def get_sessions(retreat_id, **page):
    """Every session ordered by start: expected, present, late, excused, absent (once it has ended)."""
    with context.db.session() as session:
        retreat = queries.get_retreat(session, str(retreat_id))
        facts, tz = queries.retreat_facts(session, retreat), retreat.timezone
    items, next_cursor = page_items(summary.session_rows(facts), _session_key, (str, str), page)
    for item in items:
        item["starts_at"], item["ends_at"] = in_zone(item["starts_at"], tz), in_zone(item["ends_at"], tz)
    return {"items": items, "next_cursor": next_cursor}


def _session_key(row: dict) -> list:
    return [row["starts_at"].isoformat(), row["session_id"]]


@blp.route("/<uuid:retreat_id>/notifications")
@staff(SECRETARIAT)
@problems(NOT_FOUND)
@blp.response(200, ReachSchema)
def get_notifications(retreat_id):
    """Messages per channel and status and per kind, and the officials nobody reached (no contact, or every
    message failed)."""
    with context.db.session() as session:
        retreat = queries.get_retreat(session, str(retreat_id))
        key, (roster, messages) = retreat.id, queries.reach_facts(session, retreat)
    return reach.reach_report(key, roster, messages, queries.as_of(context.bus.cursor_status()))
