"""The projection rebuild from sequence 1 with real workers: wipe, replay from every source, same reports."""
from __future__ import annotations

import pytest

from retret_testing.infra import wait_for
from retret_testing.smtp import text_body
from retret_testing.system import LINK, run_system

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def system():
    yield from run_system("postgresql")


def _nip(n: int) -> str:
    return f"19800101200501{1 if n % 2 else 2}{n:03d}"


def _projection(system) -> dict:
    response = system.api("reporting", "get", "/api/v1/reports/projection")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_rebuild_replays_every_source_and_gives_the_same_summary(system):
    retreat = system.create_retreat(code="REBUILD-1")
    confirming, other = "rebuild-a@malangkota.go.id", "rebuild-b@malangkota.go.id"
    system.invite(retreat["id"], nip=_nip(501), email=confirming)
    system.invite(retreat["id"], nip=_nip(502), email=other)
    invitation = system.wait_mail(confirming)[0]
    token = LINK.search(text_body(invitation)).group(2)
    confirmed = system.clients["registration"].post(f"/api/v1/invitations/{token}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.get_json()
    system.wait_summary(retreat["id"], lambda s: s["registrations"]["confirmed"] == 1
                        and s["registrations"]["invited"] == 1)
    before = system.summary(retreat["id"])

    started = system.api("reporting", "post", "/api/v1/reports/projection/rebuild")
    assert started.status_code == 202, started.get_json()
    assert started.get_json()["rebuild"]["state"] == "running"
    again = system.api("reporting", "post", "/api/v1/reports/projection/rebuild")
    assert again.status_code in (202, 409)  # 409 while running (it may already be done on a fast machine)

    try:
        projection = wait_for(lambda: (p := _projection(system))["rebuild"]["state"] == "done" and p, 60,
                              message="rebuild done")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{_projection(system)}\n{system.stack.logs()}") from None
    assert projection["rebuild"]["events_replayed"] > 0
    assert projection["rebuild"]["finished_at"] >= projection["rebuild"]["started_at"]
    after = system.summary(retreat["id"])
    for part in ("registrations", "attendance", "certificates"):
        assert after[part] == before[part], part
    assert projection["sources"]["registration"]["last_sequence"] >= before["as_of"]["registration"]
