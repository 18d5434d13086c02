"""Fixtures of the registration API tests: an app on a fresh database, staff headers, a small API driver."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from retret import clock
from retret.auth import issue_token
from retret_testing.badges import badge_code
from retret_testing.http import bearer

JWT_SECRET = "test-jwt-secret-at-least-32-bytes-long"


def nip(i: int = 1, gender: int = 1) -> str:
    """A valid NIP: born 1986-09-26, appointed 2015-05, sequence i."""
    return f"19860926201505{gender}{i:03d}"


def official_body(i: int = 1, **overrides) -> dict:
    body = {
        "nip": nip(i), "name": f"Drs. Pejabat Nomor {i}, M.Si.", "position": "Camat Lowokwaru",
        "position_kind": "camat", "unit_code": "35.73.05", "unit_name": "Kecamatan Lowokwaru", "rank": "IV/a",
        "echelon": "III.a", "email": f"pejabat{i}@malangkota.go.id", "phone": "0812-3456-7890",
    }
    body.update(overrides)
    return body


def retreat_body(code: str = "RETRET-MLG-2025", **overrides) -> dict:
    body = {
        "code": code, "title": "Retret Pejabat Struktural Kota Malang 2025", "organizer": "BKPSDM Kota Malang",
        "venue": "Poltekad, Karangploso", "starts_on": "2025-05-16", "ends_on": "2025-05-18",
        "timezone": "Asia/Jakarta", "attendance_threshold": 0.9, "late_tolerance_minutes": 5, "capacity": None,
        "response_deadline": None,
    }
    body.update(overrides)
    return body


def session_body(**overrides) -> dict:
    """A session on the first day of retreat_body()'s retreat (16-18 May 2025, WIB)."""
    body = {
        "title": "Apel Pagi", "kind": "apel", "starts_at": "2025-05-16T05:30:00+07:00",
        "ends_at": "2025-05-16T06:30:00+07:00", "location": "Lapangan Poltekad", "mandatory": True, "speaker_ids": [],
    }
    body.update(overrides)
    return body


def speaker_body(**overrides) -> dict:
    body = {"name": "Prof. Dr. Zudan Arif Fakrulloh", "position": "Kepala BKN",
            "institution": "Badan Kepegawaian Negara", "status": "confirmed"}
    body.update(overrides)
    return body


def staff_headers(role: str) -> dict:
    token, _ = issue_token(JWT_SECRET, role, role)
    return bearer(token)


class Driver:
    """Short calls for test set-up (each asserts its own success) and the helpers tests share.

    Tests cannot import this conftest (pytest's importlib mode), so everything they need hangs off `api`."""

    nip = staticmethod(nip)
    official_body = staticmethod(official_body)
    retreat_body = staticmethod(retreat_body)
    session_body = staticmethod(session_body)
    speaker_body = staticmethod(speaker_body)
    headers = staticmethod(staff_headers)

    def __init__(self, client):
        self.client = client
        self.admin = staff_headers("admin")

    def retreat(self, code: str = "RETRET-MLG-2025", publish: bool = False, **overrides) -> dict:
        response = self.client.post("/api/v1/retreats", json=retreat_body(code, **overrides), headers=self.admin)
        assert response.status_code == 201, response.get_json()
        retreat = response.get_json()
        return self.publish(retreat["id"]) if publish else retreat

    def publish(self, retreat_id: str) -> dict:
        response = self.client.post(f"/api/v1/retreats/{retreat_id}/publish", headers=self.admin)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def official(self, i: int = 1, **overrides) -> dict:
        response = self.client.post("/api/v1/officials", json=official_body(i, **overrides), headers=self.admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def register(self, retreat_id: str, i: int = 1, **overrides) -> dict:
        response = self.client.post(f"/api/v1/retreats/{retreat_id}/registrations",
                                    json={"official": official_body(i, **overrides)}, headers=self.admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def registration(self, registration_id: str) -> dict:
        response = self.client.get(f"/api/v1/registrations/{registration_id}", headers=self.admin)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def session(self, retreat_id: str, **overrides) -> dict:
        response = self.client.post(f"/api/v1/retreats/{retreat_id}/sessions", json=session_body(**overrides),
                                    headers=self.admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def speaker(self, retreat_id: str, **overrides) -> dict:
        response = self.client.post(f"/api/v1/retreats/{retreat_id}/speakers", json=speaker_body(**overrides),
                                    headers=self.admin)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def confirmed(self, retreat_id: str, i: int = 1, **overrides) -> dict:
        """A registration confirmed through its invitation link (the clock must allow answers)."""
        registration = self.register(retreat_id, i, **overrides)
        response = self.client.post(f"/api/v1/invitations/{self.token_of(registration)}/confirm", json={})
        assert response.status_code == 200, response.get_json()
        return {**registration, "status": "confirmed"}

    badge_code = staticmethod(badge_code)  # the code on a registration's QR badge

    def station(self, retreat_id: str, device_id: str = "pos-1", headers: dict | None = None) -> dict:
        """A station token (issued by an admin unless `headers` says who) and its Authorization header."""
        response = self.client.post(f"/api/v1/retreats/{retreat_id}/station-tokens",
                                    json={"device_id": device_id, "label": f"Stasiun {device_id}"},
                                    headers=headers or self.admin)
        assert response.status_code == 201, response.get_json()
        issued = response.get_json()
        return {**issued, "headers": bearer(issued["token"])}

    @staticmethod
    def token_of(registration: dict) -> str:
        return registration["invitation_url"].rsplit("/", 1)[1]

    @staticmethod
    def outbox(type_name: str | None = None) -> list[dict]:
        """The outbox rows (oldest first) as dicts, optionally of one type."""
        from registration.context import context
        table = context.tables.outbox
        stmt = select(table).order_by(table.c.id)
        if type_name:
            stmt = stmt.where(table.c.type == type_name)
        with context.db.engine.connect() as conn:
            return [dict(row) for row in conn.execute(stmt).mappings()]

    def outbox_types(self) -> list[str]:
        return [row["type"] for row in self.outbox()]


@pytest.fixture
def app(make_app):
    return make_app("registration")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(client):
    return Driver(client)


@pytest.fixture
def admin():
    return staff_headers("admin")


@pytest.fixture
def operator():
    return staff_headers("operator")


@pytest.fixture
def secretariat():
    return staff_headers("secretariat")


@pytest.fixture
def frozen_clock():
    """`frozen_clock(datetime)` pins retret.clock.now(); restored after the test."""
    def freeze(moment):
        clock.set_clock(lambda: moment)
    yield freeze
    clock.set_clock(None)
