"""The role table of DESIGN §5, enforced on every registration endpoint: each staff role × each endpoint is either
allowed (never 401/403) or 403, and without a token 401. The table lists every operation of the OpenAPI document,
so a new endpoint without a decided access fails here."""
from __future__ import annotations

import re
import uuid

import pytest

from retret_testing.http import assert_problem

ROLES = ("admin", "operator", "secretariat")
WRITE = {"admin"}                                   # admin only
READ = {"admin", "operator", "secretariat"}         # every staff role
DESK = {"admin", "operator"}                        # check-in desks: operators and admins
PUBLIC = "public"                                    # no staff token: sign-in, the official's own invitation

ACCESS: dict[tuple[str, str], set[str] | str] = {
    ("post", "/api/v1/auth/token"): PUBLIC,
    ("post", "/api/v1/users"): WRITE,
    ("get", "/api/v1/users"): READ,
    ("post", "/api/v1/retreats"): WRITE,
    ("get", "/api/v1/retreats"): READ,
    ("get", "/api/v1/retreats/{retreat_id}"): READ,
    ("post", "/api/v1/retreats/{retreat_id}/publish"): WRITE,
    ("post", "/api/v1/retreats/{retreat_id}/cancel"): WRITE,
    ("patch", "/api/v1/retreats/{retreat_id}"): WRITE,
    ("post", "/api/v1/retreats/{retreat_id}/start"): WRITE,
    ("post", "/api/v1/retreats/{retreat_id}/finish"): WRITE,
    ("post", "/api/v1/retreats/{retreat_id}/sessions"): WRITE,
    ("get", "/api/v1/retreats/{retreat_id}/sessions"): READ,
    ("get", "/api/v1/sessions/{session_id}"): READ,
    ("patch", "/api/v1/sessions/{session_id}"): WRITE,
    ("delete", "/api/v1/sessions/{session_id}"): WRITE,
    ("post", "/api/v1/retreats/{retreat_id}/speakers"): WRITE,
    ("get", "/api/v1/retreats/{retreat_id}/speakers"): READ,
    ("get", "/api/v1/speakers/{speaker_id}"): READ,
    ("patch", "/api/v1/speakers/{speaker_id}"): WRITE,
    ("post", "/api/v1/officials"): WRITE,
    ("get", "/api/v1/officials"): READ,
    ("get", "/api/v1/officials/{nip}"): READ,
    ("put", "/api/v1/officials/{nip}"): WRITE,
    ("post", "/api/v1/retreats/{retreat_id}/registrations"): WRITE,
    ("get", "/api/v1/retreats/{retreat_id}/registrations"): READ,
    ("get", "/api/v1/registrations/{registration_id}"): READ,
    ("post", "/api/v1/registrations/{registration_id}/cancel"): WRITE,
    ("post", "/api/v1/registrations/{registration_id}/reissue-link"): WRITE,
    ("get", "/api/v1/invitations/{token}"): PUBLIC,
    ("post", "/api/v1/invitations/{token}/confirm"): PUBLIC,
    ("post", "/api/v1/invitations/{token}/decline"): PUBLIC,
    ("post", "/api/v1/retreats/{retreat_id}/registrations/import"): WRITE,
    ("get", "/api/v1/import-jobs/{job_id}"): READ,
    ("patch", "/api/v1/registrations/{registration_id}"): WRITE,
    ("post", "/api/v1/retreats/{retreat_id}/groups/assign"): WRITE,
    ("get", "/api/v1/retreats/{retreat_id}/groups"): READ,
    ("get", "/api/v1/registrations/{registration_id}/badge"): READ,
    ("get", "/api/v1/invitations/{token}/badge"): PUBLIC,
    ("get", "/api/v1/retreats/{retreat_id}/badges.pdf"): DESK,
    ("get", "/api/v1/events"): WRITE,
    ("get", "/api/v1/audit"): WRITE,
    ("post", "/api/v1/retreats/{retreat_id}/checkins"): DESK,
    ("post", "/api/v1/retreats/{retreat_id}/checkins/batch"): DESK,
    ("get", "/api/v1/retreats/{retreat_id}/checkins"): READ,
    ("get", "/api/v1/retreats/{retreat_id}/manifest"): READ,
    ("post", "/api/v1/retreats/{retreat_id}/station-tokens"): DESK,
    ("get", "/api/v1/retreats/{retreat_id}/station-tokens"): DESK,
    ("post", "/api/v1/station-tokens/{station_token_id}/revoke"): DESK,
    ("post", "/api/v1/retreats/{retreat_id}/permits"): WRITE,
    ("get", "/api/v1/retreats/{retreat_id}/permits"): READ,
    ("post", "/api/v1/invitations/{token}/permits"): PUBLIC,
    ("post", "/api/v1/permits/{permit_id}/approve"): WRITE,
    ("post", "/api/v1/permits/{permit_id}/reject"): WRITE,
    ("post", "/api/v1/permits/{permit_id}/withdraw"): WRITE,
    ("post", "/api/v1/invitations/{token}/permits/{permit_id}/withdraw"): PUBLIC,
}
# What a station token (of the retreat in the path) may call; everything else refuses it (401 or 403).
STATION = {
    ("post", "/api/v1/retreats/{retreat_id}/checkins"),
    ("post", "/api/v1/retreats/{retreat_id}/checkins/batch"),
    ("get", "/api/v1/retreats/{retreat_id}/manifest"),
}


@pytest.fixture
def spec_operations(client) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").get_json()
    return [(method, path) for path, item in spec["paths"].items() for method in item
            if method in ("get", "post", "put", "patch", "delete")]


@pytest.fixture
def world(api) -> dict[str, str]:
    """Real ids for every path parameter."""
    retreat = api.retreat(publish=True, starts_on="2030-05-15", ends_on="2030-05-17")
    registration = api.register(retreat["id"], 1)
    speaker = api.speaker(retreat["id"])
    session = api.session(retreat["id"], starts_at="2030-05-15T05:30:00+07:00", ends_at="2030-05-15T06:30:00+07:00",
                          speaker_ids=[speaker["id"]])
    station = api.station(retreat["id"])
    revoked_here = api.station(retreat["id"], "pos-2")  # the revoke endpoint's: `station` keeps working
    return {"retreat_id": retreat["id"], "registration_id": registration["id"], "session_id": session["id"],
            "speaker_id": speaker["id"], "job_id": str(uuid.uuid4()), "nip": registration["official"]["nip"],
            "token": api.token_of(registration), "permit_id": str(uuid.uuid4()), "station_token_id": revoked_here["id"],
            "station": station["headers"]}


def _url(path: str, world: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: world[m.group(1)], path)


def test_a_station_token_of_another_retreat_is_refused(api, client, world):
    other = api.retreat("OTHER-2030", publish=True, starts_on="2030-06-15", ends_on="2030-06-17")
    foreign = api.station(other["id"], "pos-9")["headers"]
    for method, path in sorted(STATION):
        assert_problem(getattr(client, method)(_url(path, world), json={}, headers=foreign), 403)


def test_the_table_names_every_operation(spec_operations):
    assert sorted(set(spec_operations) - set(ACCESS)) == [], "decide the access of these operations"
    assert sorted(set(ACCESS) - set(spec_operations)) == [], "these operations no longer exist"


def test_each_role_on_each_endpoint(api, client, world, spec_operations):
    refused, let_in = [], []
    for method, path in spec_operations:
        access = ACCESS[(method, path)]
        if access == PUBLIC:
            continue
        url = _url(path, world)
        call = getattr(client, method)
        assert_problem(call(url, json={}), 401)
        for role in ROLES:
            status = call(url, json={}, headers=api.headers(role)).status_code
            if role in access and status in (401, 403):
                refused.append(f"{role} {method.upper()} {path}: {status}")
            if role not in access and status != 403:
                let_in.append(f"{role} {method.upper()} {path}: {status}")
        status = call(url, json={}, headers=world["station"]).status_code
        if (method, path) in STATION and status in (401, 403):
            refused.append(f"station {method.upper()} {path}: {status}")
        if (method, path) not in STATION and status not in (401, 403):
            let_in.append(f"station {method.upper()} {path}: {status}")
    assert refused == [], "allowed but refused"
    assert let_in == [], "not allowed but let in"

