"""Alembic environment of the registration database."""
from retret.migrate import run_env

from registration.models import metadata

run_env(metadata)
