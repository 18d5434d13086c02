"""This service's settings, database, Celery app and bus (one per process, built lazily)."""
from functools import cached_property

from retret.db import Database
from retret.service import ServiceContext

from .config import RegistrationSettings, load_settings
from .models import bus, metadata


class RegistrationContext(ServiceContext):
    """The shared context plus registration's own settings (`context.config`)."""

    @cached_property
    def config(self) -> RegistrationSettings:
        return load_settings(self.settings.app_env)

    @cached_property
    def db(self) -> Database:
        """The database, its sessions versioning what a station's manifest fetches (in the API and the worker)."""
        from . import manifest_versions
        database = Database(self.settings.database_url)
        manifest_versions.install(database.sessions)
        return database

    def reset(self) -> None:
        super().reset()
        self.__dict__.pop("config", None)


context = RegistrationContext("registration", metadata, bus)
