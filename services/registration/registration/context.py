"""This service's settings, database, Celery app and bus (one per process, built lazily)."""
from functools import cached_property

from retret.service import ServiceContext

from .config import RegistrationSettings, load_settings
from .models import bus, metadata


class RegistrationContext(ServiceContext):
    """The shared context plus registration's own settings (`context.config`)."""

    @cached_property
    def config(self) -> RegistrationSettings:
        return load_settings(self.settings.app_env)

    def reset(self) -> None:
        super().reset()
        self.__dict__.pop("config", None)


context = RegistrationContext("registration", metadata, bus)
