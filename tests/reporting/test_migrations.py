"""The migrations build exactly the models, on PostgreSQL and on SQLite (the embedded default)."""
from __future__ import annotations

from sqlalchemy import create_engine, inspect

from retret.migrate import upgrade

from reporting.migrate import MIGRATIONS_DIR
from reporting.models import metadata
from retret_testing.infra import schema_diffs


def test_postgresql_schema_matches_the_models(database_url):
    url = database_url("reporting")
    assert schema_diffs(url, metadata) == []


def test_sqlite_schema_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    upgrade(MIGRATIONS_DIR, url)
    assert schema_diffs(url, metadata) == []
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"bus_inbox", "bus_cursors", "bus_gaps", "registrations", "attendance"} <= tables
        assert "bus_outbox" not in tables  # reporting emits nothing (migration 0002)
    finally:
        engine.dispose()


def test_projection_works_on_sqlite(tmp_path, service_env):
    """The embedded default: consume events and read the summary on SQLite."""
    from reporting.context import context
    from reporting.handlers import HANDLERS
    from retret.events.catalogue import CATALOGUE, RETREAT_ID
    from retret.events.envelope import make_envelope
    from retret.events.subscriptions import SUBSCRIPTIONS, filter_for
    from retret.auth import issue_token

    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    upgrade(MIGRATIONS_DIR, url)
    service_env.setenv("REPORTING_DATABASE_URL", url)
    context.reset()
    for sequence, type_name in enumerate(("retreat.published", "session.scheduled", "participant.invited",
                                          "registration.confirmed", "attendance.updated"), start=1):
        data = filter_for(SUBSCRIPTIONS["reporting"], type_name, CATALOGUE[type_name].sample)
        envelope = make_envelope(type=type_name, source="registration", sequence=sequence, data=data)
        assert context.bus.consume(envelope, HANDLERS).value == "applied"
    import reporting
    client = reporting.create_app().test_client()
    token, _ = issue_token("test-jwt-secret-at-least-32-bytes-long", "secretariat", "secretariat")
    body = client.get(f"/api/v1/reports/retreats/{RETREAT_ID}/summary",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["attendance"] | {"rate": None} == {"sessions": 1, "records": 1, "present": 0, "late": 1,
                                                  "excused": 0, "absent": 0, "rate": None}
    assert body["certificates"]["lulus"] == 1
    assert body["as_of"]["registration"] == 5
