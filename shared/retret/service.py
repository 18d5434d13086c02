"""What wires one service together: settings, database, Celery app and bus, built once per process."""
from __future__ import annotations

from functools import cached_property

from sqlalchemy import MetaData

from .bus import Bus, BusTables, bus_tables
from .celery_factory import make_celery
from .config import CommonSettings, load_common
from .db import Database


class ServiceContext:
    """Lazy on purpose: importing a service must not connect anywhere (prefork children build their own)."""

    def __init__(self, service: str, metadata: MetaData, tables: BusTables | None = None):
        self.service = service
        self.metadata = metadata
        self.tables = tables or bus_tables(metadata)

    @cached_property
    def settings(self) -> CommonSettings:
        return load_common(self.service)

    @cached_property
    def celery(self):
        return make_celery(self.service, self.settings)

    @cached_property
    def db(self) -> Database:
        return Database(self.settings.database_url)

    @cached_property
    def bus(self) -> Bus:
        return Bus(self.service, self.db, self.tables, self.celery, self.settings.bus)

    def reset(self) -> None:
        """Forget settings and connections (tests that change the environment)."""
        if "db" in self.__dict__:
            self.db.engine.dispose()
        for name in ("settings", "celery", "db", "bus"):
            self.__dict__.pop(name, None)
