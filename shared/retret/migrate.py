"""Alembic, run once by the `migrate` step (never by every process at start-up)."""
from __future__ import annotations

import logging
import os

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, engine_from_config, pool

from .db import is_sqlite


def alembic_config(migrations_dir: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", migrations_dir)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(migrations_dir: str, url: str, revision: str = "head") -> None:
    if is_sqlite(url) and url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    command.upgrade(alembic_config(migrations_dir, url), revision)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    batch = is_sqlite(url)  # SQLite needs batch mode to alter tables
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=batch)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                     poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=batch)
        with context.begin_transaction():
            context.run_migrations()


def main(service: str, migrations_dir: str) -> None:
    from .config import load_common
    from .logs import configure_logging
    configure_logging(service, process=f"{service}-migrate")
    url = load_common(service).database_url
    upgrade(migrations_dir, url)
    logging.getLogger(__name__).info("migrated %s", service)
