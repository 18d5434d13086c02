"""The migrations build exactly the models, on PostgreSQL and on SQLite (the embedded default); 0002_messages goes
down to 0001 and up again."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from notifications.migrate import MIGRATIONS_DIR
from notifications.models import metadata
from retret_testing.infra import schema_diffs
from retret.migrate import alembic_config, upgrade


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_postgresql_schema_matches_the_models_and_0002_goes_down_and_up(database_url):
    url = database_url("notifications")
    assert schema_diffs(url, metadata) == []
    command.downgrade(alembic_config(MIGRATIONS_DIR, url), "0001")
    assert not {"sessions", "fanouts", "announcements", "message_templates", "sms_rate_limits",
                "sms_replies"} & _tables(url)
    upgrade(MIGRATIONS_DIR, url)
    assert schema_diffs(url, metadata) == []


def test_sqlite_schema_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'notifications.db'}"
    upgrade(MIGRATIONS_DIR, url)
    assert schema_diffs(url, metadata) == []
    assert {"sessions", "fanouts", "announcements", "message_templates", "notifications", "sms_rate_limits",
            "sms_replies"} <= _tables(url)
