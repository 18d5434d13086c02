"""Alembic environment of the notifications database."""
from retret.migrate import run_env

from notifications.models import metadata

run_env(metadata)
