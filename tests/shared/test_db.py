"""retret.db: insert-or-do-nothing in both dialects (PostgreSQL and the embedded SQLite)."""
from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from retret.db import BigId, Database, insert_ignore
from retret_testing.infra import create_pg_database, drop_pg_database


@pytest.fixture(params=["postgresql", "sqlite"])
def database(request, tmp_path):
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
        yield db
        db.engine.dispose()
        return
    url = create_pg_database("db")
    db = Database(url)
    yield db
    db.engine.dispose()
    drop_pg_database(url)


@pytest.fixture
def things(database):
    metadata = MetaData()
    table = Table("things", metadata,
                  Column("id", BigId, primary_key=True, autoincrement=True),
                  Column("key", String(20), nullable=False, unique=True),
                  Column("value", Integer, nullable=False))
    metadata.create_all(database.engine)
    return table


def _rows(database, table):
    with database.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table.c.key, table.c.value).order_by(table.c.id))]


def test_inserts_a_new_row_and_ignores_a_duplicate_key(database, things):
    with database.session() as session:
        insert_ignore(session, things, {"key": "a", "value": 1}, keys=["key"])
        insert_ignore(session, things, {"key": "a", "value": 2}, keys=["key"])
        insert_ignore(session, things, {"key": "b", "value": 3}, keys=["key"])
    assert _rows(database, things) == [("a", 1), ("b", 3)]


def test_returning_gives_the_new_rows_column_or_none_for_a_duplicate(database, things):
    with database.session() as session:
        first = insert_ignore(session, things, {"key": "a", "value": 1}, keys=["key"], returning=things.c.id)
        again = insert_ignore(session, things, {"key": "a", "value": 2}, keys=["key"], returning=things.c.id)
    assert isinstance(first, int)
    assert again is None


def test_works_on_a_plain_connection(database, things):
    with database.engine.begin() as conn:
        insert_ignore(conn, things, {"key": "a", "value": 1}, keys=["key"])
        insert_ignore(conn, things, {"key": "a", "value": 9}, keys=["key"])
    assert _rows(database, things) == [("a", 1)]
