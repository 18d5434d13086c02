"""Alembic environment of the reporting database."""
from retret.migrate import run_env

from reporting.models import metadata

run_env(metadata)
