"""Fixtures for the reporting tests: an app on a fresh database and a feeder of events through the real inbox."""
from __future__ import annotations

import copy
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest

from retret.auth import issue_token
from retret.events.catalogue import CATALOGUE, RETREAT_ID
from retret.events.envelope import make_envelope
from retret.events.subscriptions import SUBSCRIPTIONS, filter_for
from retret_testing.http import bearer

JWT_SECRET = "test-jwt-secret-at-least-32-bytes-long"


def staff(role: str) -> dict:
    token, _ = issue_token(JWT_SECRET, role, role)
    return bearer(token)


def new_id() -> str:
    return str(uuid.uuid4())


def hours_ago(hours: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(hours=hours)


class Events:
    """Builds envelopes like the relay does (data filtered for reporting) and consumes them like the worker."""

    def __init__(self):
        from reporting.context import context
        from reporting.handlers import HANDLERS
        self.bus, self.handlers = context.bus, HANDLERS
        self.sequences: dict[str, int] = defaultdict(int)
        self.officials: dict[str, dict] = {}  # registration id → the profile its events carry

    def envelope(self, type_name: str, data: dict | None = None, sequence: int | None = None, **changes) -> dict:
        kind = CATALOGUE[type_name]
        payload = copy.deepcopy(kind.sample if data is None else data)
        payload.update(changes)
        if sequence is None:
            self.sequences[kind.source] += 1
            sequence = self.sequences[kind.source]
        else:
            self.sequences[kind.source] = max(self.sequences[kind.source], sequence)
        return make_envelope(type=type_name, source=kind.source, sequence=sequence,
                             data=filter_for(SUBSCRIPTIONS["reporting"], type_name, payload),
                             retreat_id=payload.get("retreat_id"))

    def consume(self, envelope: dict):
        return self.bus.consume(envelope, self.handlers)

    def send(self, type_name: str, data: dict | None = None, sequence: int | None = None, **changes):
        return self.consume(self.envelope(type_name, data, sequence, **changes))

    # ---------------------------------------------------------------- data in the catalogue's shapes
    @staticmethod
    def retreat(**changes) -> dict:
        return {**copy.deepcopy(CATALOGUE["retreat.published"].sample), **changes}

    @staticmethod
    def session(starts_at: datetime, hours: float = 1, **changes) -> dict:
        data = copy.deepcopy(CATALOGUE["session.scheduled"].sample)
        data.update(session_id=new_id(), starts_at=starts_at.isoformat(),
                    ends_at=(starts_at + timedelta(hours=hours)).isoformat())
        return {**data, **changes}

    @staticmethod
    def official(**changes) -> dict:
        return {**copy.deepcopy(CATALOGUE["participant.invited"].sample["official"]), **changes}

    def invited(self, registration_id: str | None = None, retreat_id: str = RETREAT_ID, **official) -> dict:
        data = copy.deepcopy(CATALOGUE["participant.invited"].sample)
        data.update(registration_id=registration_id or new_id(), retreat_id=retreat_id,
                    official=self.official(**official))
        self.officials[data["registration_id"]] = data["official"]
        return data

    def status(self, registration_id: str, status: str, retreat_id: str = RETREAT_ID, **official) -> tuple:
        data = copy.deepcopy(CATALOGUE[f"registration.{status}"].sample)
        data.update(registration_id=registration_id, retreat_id=retreat_id, status=status)
        data["official"] = {**self.officials.get(registration_id, data["official"]), **official}
        return f"registration.{status}", data

    def set_status(self, registration_id: str, status: str, **official):
        type_name, data = self.status(registration_id, status, **official)
        return self.send(type_name, data)

    def attendance(self, registration_id: str, session_id: str, status: str, **changes):
        data = copy.deepcopy(CATALOGUE["attendance.updated"].sample)
        data.update(registration_id=registration_id, session_id=session_id, status=status, **changes)
        return self.send("attendance.updated", data)

    def cleared(self, registration_id: str, session_id: str, sequence: int | None = None):
        data = copy.deepcopy(CATALOGUE["attendance.cleared"].sample)
        data.update(registration_id=registration_id, session_id=session_id)
        return self.send("attendance.cleared", data, sequence)

    def permit(self, registration_id: str, status: str = "approved", session_ids=(), starts_at=None,
               ends_at=None, permit_id: str | None = None):
        verb = {"pending": "requested", "approved": "approved", "rejected": "rejected",
                "withdrawn": "withdrawn"}[status]
        data = copy.deepcopy(CATALOGUE[f"permit.{verb}"].sample)
        data.update(permit_id=permit_id or new_id(), registration_id=registration_id, status=status,
                    session_ids=list(session_ids),
                    starts_at=starts_at.isoformat() if starts_at else None,
                    ends_at=ends_at.isoformat() if ends_at else None)
        return self.send(f"permit.{verb}", data)


@pytest.fixture
def app(make_app):
    return make_app("reporting")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def events(app):
    return Events()


@pytest.fixture
def db(app):
    from reporting.context import context
    return context.db


@pytest.fixture
def headers():
    """`headers("secretariat")` → an Authorization header with a staff token of that role."""
    return staff
