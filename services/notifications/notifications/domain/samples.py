"""Sample values of every message kind (pure, from the event catalogue's samples): what a template may use, shown
by the template preview and used to check a template before it is saved."""
from __future__ import annotations

import copy
from datetime import date

from retret.events.catalogue import CATALOGUE

from .formatting import format_date_range
from .messages import TEMPLATED_KINDS, permit_view, registration_context, session_view

_EVENT_OF = {
    "invitation": "participant.invited", "promotion": "participant.invited", "confirmation": "registration.confirmed",
    "declined": "registration.declined", "cancelled": "registration.cancelled",
    "waitlisted": "registration.waitlisted",
}


def sample_values(kind: str, language: str = "id") -> dict:
    """Every value a template of `kind` is given, with sample contents (dates written in `language`)."""
    if kind not in TEMPLATED_KINDS:
        raise KeyError(kind)
    data = copy.deepcopy(CATALOGUE[_EVENT_OF.get(kind, "registration.confirmed")].sample)
    data.setdefault("invitation_url", CATALOGUE["participant.invited"].sample["invitation_url"])
    group = CATALOGUE["group.assigned"].sample
    data.update(group=group["group"], room=group["room"], badge_attached=kind == "confirmation",
                agenda_attached=kind == "confirmation")
    values = registration_context(data, language)
    tz = data["retreat"]["timezone"]
    if kind.startswith("session_"):
        values["session"] = session_view(CATALOGUE["session.rescheduled"].sample, tz, language)
    if kind.startswith("permit_"):
        values["permit"] = permit_view(CATALOGUE[f"permit.{kind.split('_')[1]}"].sample, tz, language)
    if kind == "response_reminder":
        values["days"] = 2
    if kind in ("response_reminder", "retreat_rescheduled", "retreat_cancelled", "retreat_tomorrow",
                "session_rescheduled", "session_cancelled", "session_reminder"):
        values.setdefault("days", None)
        values["old_dates_text"] = format_date_range(date(2025, 5, 14), date(2025, 5, 16), language)
    if kind == "announcement":
        values["announcement"] = {"subject": "Perubahan titik kumpul",
                                  "body": "Titik kumpul keberangkatan pindah ke Balai Kota Malang, pukul 05.00 WIB."}
    return values
