"""Engines and sessions: PostgreSQL in production and tests, SQLite as the embedded default."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import BigInteger, Integer, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a real bigint.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs) -> Engine:
    """One engine per process. SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE (DESIGN §3)."""
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin, so BEGIN IMMEDIATE takes the
        # write lock up front: two writers then queue on the busy timeout instead of deadlocking.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def insert_ignore(session_or_conn, table, values: dict, keys: list[str], returning=None):
    """INSERT ... ON CONFLICT (keys) DO NOTHING, in the PostgreSQL or SQLite dialect of the connection.

    `table` is a Table or a mapped class. With `returning` (a column), answers that column of the new row, or None
    when a row with the same keys existed (nothing was written)."""
    bind = session_or_conn.get_bind() if isinstance(session_or_conn, Session) else session_or_conn
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    if returning is None:
        session_or_conn.execute(statement)
        return None
    return session_or_conn.execute(statement.returning(returning)).scalar_one_or_none()


class Database:
    """An engine plus a session factory for one service database."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        session = self.sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - readiness reports, it does not raise
            return False
