"""This service's settings, database, Celery app and bus (one per process, built lazily)."""
from retret.service import ServiceContext

from .models import bus, metadata

context = ServiceContext("notifications", metadata, bus)
