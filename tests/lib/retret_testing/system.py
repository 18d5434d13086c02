"""The running system for tests: a Stack (real Redis, worker processes, beat, SMTP server) plus in-process API
clients on the same environment."""
from __future__ import annotations

import importlib
import os
import re

from retret.auth import issue_token

from .env import TEST_ENV
from .infra import SERVICES, wait_for
from .stack import Stack

LINK = re.compile(r"(https?://\S+/portal/invitations/([A-Za-z0-9_\-.]+))")


def _reset():
    for service in SERVICES:
        importlib.import_module(f"{service}.context").context.reset()


class System:
    """The stack plus in-process API clients using the same environment."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.smtp = stack.smtp
        self.clients = {s: importlib.import_module(s).create_app().test_client() for s in SERVICES}
        token, _ = issue_token(TEST_ENV["JWT_SECRET"], "admin", "admin")
        self.auth = {"Authorization": f"Bearer {token}"}

    def api(self, service, method, path, **kwargs):
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return getattr(self.clients[service], method)(path, headers=headers, **kwargs)

    def create_retreat(self, code="MLG-2025", publish=True, **fields):
        body = {"code": code, "title": "Retret Pejabat Struktural Kota Malang", "organizer": "BKPSDM Kota Malang",
                "venue": "Poltekad, Karangploso", "starts_on": "2030-05-15", "ends_on": "2030-05-17",
                "timezone": "Asia/Jakarta", "attendance_threshold": 0.9, "late_tolerance_minutes": 5,
                "capacity": None, **fields}
        response = self.api("registration", "post", "/api/v1/retreats", json=body)
        assert response.status_code == 201, response.get_json()
        retreat = response.get_json()
        if publish:
            published = self.api("registration", "post", f"/api/v1/retreats/{retreat['id']}/publish")
            assert published.status_code == 200, published.get_json()
        return retreat

    def invite(self, retreat_id, nip="198609262015051001", email="budi.santoso@malangkota.go.id", headers=None,
               **fields):
        official = {"nip": nip, "name": "Drs. Budi Santoso, M.Si.", "position": "Camat Lowokwaru",
                    "position_kind": "camat", "unit_code": "35.73.05", "unit_name": "Kecamatan Lowokwaru",
                    "rank": "IV/a", "echelon": "III.a", "email": email, "phone": "0812-3456-7890", **fields}
        response = self.api("registration", "post", f"/api/v1/retreats/{retreat_id}/registrations",
                            json={"official": official}, headers=headers or {})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def summary(self, retreat_id):
        response = self.api("reporting", "get", f"/api/v1/reports/retreats/{retreat_id}/summary")
        return response.get_json() if response.status_code == 200 else None

    def wait_summary(self, retreat_id, predicate, timeout=45, message="report"):
        return wait_for(lambda: (s := self.summary(retreat_id)) and predicate(s) and s, timeout,
                        message=f"{message}\n{self.stack.logs()}")

    def wait_mail(self, address, count=1, timeout=45):
        return wait_for(lambda: len(self.smtp.to(address)) >= count and self.smtp.to(address), timeout,
                        message=f"{count} mail(s) to {address}\n{self.stack.logs()}")


def run_system(backend="postgresql", overrides=None, bulk_workers=False):
    """Start a stack, point this process's environment at it, yield a System, then clean up."""
    saved = dict(os.environ)
    stack = Stack(TEST_ENV, backend=backend, overrides=overrides, bulk_workers=bulk_workers)
    try:
        stack.start()
        os.environ.update(stack.env)
        _reset()
        stack.wait_ready()
        yield System(stack)
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        _reset()


