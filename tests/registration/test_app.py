"""The app as a whole: OpenAPI lists every path with its error responses, health, tasks, migrations."""
import os

from sqlalchemy import create_engine, func, select

from retret.auth import issue_token
from retret_testing.http import assert_problem, bearer

EXPECTED = {
    ("post", "/api/v1/auth/token"), ("post", "/api/v1/users"), ("get", "/api/v1/users"),
    ("post", "/api/v1/retreats"), ("get", "/api/v1/retreats"), ("get", "/api/v1/retreats/{retreat_id}"),
    ("post", "/api/v1/retreats/{retreat_id}/publish"), ("post", "/api/v1/retreats/{retreat_id}/cancel"),
    ("patch", "/api/v1/retreats/{retreat_id}"), ("post", "/api/v1/retreats/{retreat_id}/start"),
    ("post", "/api/v1/retreats/{retreat_id}/finish"),
    ("post", "/api/v1/retreats/{retreat_id}/sessions"), ("get", "/api/v1/retreats/{retreat_id}/sessions"),
    ("get", "/api/v1/sessions/{session_id}"), ("patch", "/api/v1/sessions/{session_id}"),
    ("delete", "/api/v1/sessions/{session_id}"),
    ("post", "/api/v1/retreats/{retreat_id}/speakers"), ("get", "/api/v1/retreats/{retreat_id}/speakers"),
    ("get", "/api/v1/speakers/{speaker_id}"), ("patch", "/api/v1/speakers/{speaker_id}"),
    ("post", "/api/v1/officials"), ("get", "/api/v1/officials"), ("get", "/api/v1/officials/{nip}"),
    ("put", "/api/v1/officials/{nip}"),
    ("post", "/api/v1/retreats/{retreat_id}/registrations"), ("get", "/api/v1/retreats/{retreat_id}/registrations"),
    ("get", "/api/v1/registrations/{registration_id}"), ("post", "/api/v1/registrations/{registration_id}/cancel"),
    ("post", "/api/v1/registrations/{registration_id}/reissue-link"),
    ("get", "/api/v1/invitations/{token}"), ("post", "/api/v1/invitations/{token}/confirm"),
    ("post", "/api/v1/invitations/{token}/decline"), ("get", "/api/v1/events"),
    ("patch", "/api/v1/registrations/{registration_id}"), ("post", "/api/v1/retreats/{retreat_id}/groups/assign"),
    ("get", "/api/v1/retreats/{retreat_id}/groups"), ("get", "/api/v1/registrations/{registration_id}/badge"),
    ("get", "/api/v1/invitations/{token}/badge"), ("get", "/api/v1/retreats/{retreat_id}/badges.pdf"),
}
PUBLIC = {"/api/v1/auth/token", "/api/v1/invitations/{token}", "/api/v1/invitations/{token}/confirm",
          "/api/v1/invitations/{token}/decline", "/api/v1/invitations/{token}/permits",
          "/api/v1/invitations/{token}/badge", "/api/v1/invitations/{token}/permits/{permit_id}/withdraw"}


def staff_headers(role):
    return bearer(issue_token("test-jwt-secret-at-least-32-bytes-long", role, role)[0])


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, operation


def test_openapi_lists_every_path_with_its_error_responses(client):
    spec = client.get("/openapi.json").get_json()
    found = {(method, path) for method, path, _ in operations(spec)}
    assert EXPECTED <= found, EXPECTED - found
    for method, path, operation in operations(spec):
        if not path.startswith("/api/v1/"):
            continue
        errors = {code for code in operation["responses"] if code.startswith("4")}
        assert errors, (method, path)
        for code in errors:
            content = operation["responses"][code].get("content", {})
            assert "application/problem+json" in content or "application/json" in content, (method, path, code)
        if path in PUBLIC:
            assert operation.get("security") == [], (method, path)
        else:
            assert operation["security"] == [{"bearerAuth": []}], (method, path)
            assert {"401", "403"} <= errors, (method, path)
        if "requestBody" in operation:
            assert {"400", "422"} <= errors, (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_health(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["database"] == "up"


def test_unknown_paths_and_methods_are_problems(client, admin):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.delete("/api/v1/retreats", headers=admin), 405)


def test_registration_is_a_source_with_its_bus_tasks_moves_retreats_on_and_imports():
    """A source, and the consumer of one event (sms.reply_received, two-way SMS)."""
    from registration import tasks
    from registration.context import context
    consumer = {"handle_event", "handle_heartbeat", "handle_replay_finished", "request_replays"}
    assert set(tasks.TASKS) == {"relay_outbox", "replay_events", "publish_heartbeat"} | consumer
    ours = {name for name in context.celery.tasks if name.startswith("registration.")}
    assert ours == {"registration.relay_outbox", "registration.replay_events", "registration.publish_heartbeat",
                    "registration.advance_retreats", "registration.import_registrations",
                    "registration.resend_import_jobs"} | {f"registration.{name}" for name in consumer}
    assert tasks.import_registrations.queue.endswith("registration.bulk")


def test_the_migration_runs_on_sqlite_and_matches_the_models(tmp_path, database_url):
    from registration.models import metadata
    from retret.migrate import upgrade
    from retret_testing.infra import schema_diffs
    migrations = os.path.join(os.path.dirname(__file__), "..", "..", "services", "registration", "migrations")
    sqlite_url = f"sqlite:///{tmp_path / 'registration.db'}"
    upgrade(migrations, sqlite_url)
    for url in (sqlite_url, database_url("registration")):
        diff = schema_diffs(url, metadata)
        assert diff == [], (url, diff)


def test_the_api_answers_when_redis_is_down(make_app):
    client = make_app("registration", REDIS_URL="redis://127.0.0.1:1/0").test_client()
    headers = staff_headers("admin")
    body = {"code": "R", "title": "T", "starts_on": "2025-05-16", "ends_on": "2025-05-18"}
    retreat = client.post("/api/v1/retreats", json=body, headers=headers).get_json()
    assert client.post(f"/api/v1/retreats/{retreat['id']}/publish", headers=headers).status_code == 200
    assert client.get("/readyz").get_json()["redis"] == "down"


def test_the_embedded_sqlite_default_runs_an_invitation_end_to_end(tmp_path, service_env, redis_server,
                                                                   monkeypatch):
    from registration import create_app
    from registration.context import context
    from retret.migrate import upgrade
    url = f"sqlite:///{tmp_path / 'registration.db'}"
    service_env.setenv("REGISTRATION_DATABASE_URL", url)
    context.reset()
    upgrade(os.path.join(os.path.dirname(__file__), "..", "..", "services", "registration", "migrations"), url)
    client = create_app().test_client()
    headers = bearer(client.post("/api/v1/auth/token", json={"username": "admin", "password": "rahasia-admin-123"})
                     .get_json()["access_token"])
    body = {"code": "R", "title": "T", "starts_on": "2099-05-16", "ends_on": "2099-05-18", "capacity": 1}
    retreat = client.post("/api/v1/retreats", json=body, headers=headers).get_json()
    official = {"nip": "198609262015051001", "name": "Budi", "phone": "081234567890"}
    registration = client.post(f"/api/v1/retreats/{retreat['id']}/registrations", json={"official": official},
                               headers=headers).get_json()
    assert client.post(f"/api/v1/retreats/{retreat['id']}/publish", headers=headers).status_code == 200
    token = registration["invitation_url"].rsplit("/", 1)[1]
    confirmed = client.post(f"/api/v1/invitations/{token}/confirm", json={"shirt_size": "M"})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    assert client.get(f"/api/v1/invitations/{token}").get_json()["retreat"]["responses_close_at"] == \
        "2099-05-19T00:00:00+07:00"
    assert context.bus.relay() == 3
    events = client.get("/api/v1/events", headers=headers).get_json()["items"]
    assert [e["type"] for e in events] == ["retreat.published", "participant.invited", "registration.confirmed"]
    # A permit with an Idempotency-Key: SQLite's partial unique index and the savepoint behave as PostgreSQL's.
    permit = {"kind": "sick", "reason": "Demam", "starts_at": "2099-05-16T08:00:00+07:00",
              "ends_at": "2099-05-16T10:00:00+07:00"}
    url = f"/api/v1/invitations/{token}/permits"
    made = client.post(url, json=permit, headers={"Idempotency-Key": "k"})
    assert made.status_code == 201, made.get_json()
    from registration.services import permits
    real, lookups = permits._keyed, []

    def misses_the_first_lookup(session, registration_id, key):
        lookups.append(key)
        return None if len(lookups) == 1 else real(session, registration_id, key)
    monkeypatch.setattr(permits, "_keyed", misses_the_first_lookup)
    again = client.post(url, json=permit, headers={"Idempotency-Key": "k"})  # answered through the unique index
    assert again.status_code == 200 and again.get_json()["id"] == made.get_json()["id"] and len(lookups) == 2
    assert client.post(url, json=permit).status_code == 201  # no key: a new one, as before
    with context.db.engine.connect() as conn:
        outbox = context.tables.outbox
        assert conn.execute(select(func.count()).select_from(outbox).where(
            outbox.c.type == "permit.requested")).scalar_one() == 2
    for _ in range(6):
        client.post("/api/v1/auth/token", json={"username": "admin", "password": "salah"})
    assert client.post("/api/v1/auth/token", json={"username": "admin", "password": "salah"}).status_code == 429
    context.reset()


def test_the_badge_migration_gives_every_existing_registration_its_own_nonce(database_url):
    from retret.migrate import upgrade
    migrations = os.path.join(os.path.dirname(__file__), "..", "..", "services", "registration", "migrations")
    url = database_url("registration")  # migrated to head: go back to before badges, add rows, come forward
    from alembic import command
    from retret.migrate import alembic_config
    command.downgrade(alembic_config(migrations, url), "0004_audit")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO retreats (id, code, title, timezone, starts_on, ends_on, status, "
                             "attendance_threshold, late_tolerance_minutes, created_at, updated_at) VALUES "
                             "('r1', 'R', 'T', 'Asia/Jakarta', '2030-05-15', '2030-05-17', 'draft', 0.9, 5, now(), now())")
        conn.exec_driver_sql("INSERT INTO officials (nip, name, created_at, updated_at) VALUES "
                             "('198609262015051001', 'A', now(), now()), ('198609262015051002', 'B', now(), now())")
        for number, nip in ((1, "198609262015051001"), (2, "198609262015051002")):
            conn.exec_driver_sql(
                "INSERT INTO registrations (id, retreat_id, number, official_nip, status, token_version, created_at, "
                f"updated_at) VALUES ('g{number}', 'r1', {number}, '{nip}', 'invited', 1, now(), now())")
    upgrade(migrations, url)
    with engine.connect() as conn:
        nonces = [row[0] for row in conn.exec_driver_sql("SELECT badge_nonce FROM registrations")]
    engine.dispose()
    assert len(nonces) == 2 and len(set(nonces)) == 2 and all(len(n) == 16 for n in nonces)
