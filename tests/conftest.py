"""Fixtures every test may use: a private Redis, per-service PostgreSQL databases, service apps."""
from __future__ import annotations

import os

import pytest

from retret_testing.env import TEST_ENV
from retret_testing.infra import RedisServer, create_pg_database, drop_pg_database, migrate



@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def database_url(request):
    """Factory: a fresh migrated PostgreSQL database for a service, dropped after the test."""
    created = []

    def make(service: str) -> str:
        url = create_pg_database(service[:5])
        migrate(service, url)
        created.append(url)
        return url

    yield make
    for url in created:
        drop_pg_database(url)


def _reset_contexts():
    import importlib
    for service in ("registration", "notifications", "reporting"):
        try:
            module = importlib.import_module(f"{service}.context")
        except ImportError:
            continue
        module.context.reset()


@pytest.fixture
def service_env(monkeypatch, redis_server):
    """Environment for in-process apps: test secrets, the private Redis, a queue prefix per test."""
    for key, value in TEST_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.setenv("CELERY_QUEUE_PREFIX", f"t{os.getpid()}-")
    _reset_contexts()
    yield monkeypatch
    _reset_contexts()


@pytest.fixture
def make_app(service_env, database_url):
    """Factory: `make_app("registration")` → a Flask test app on a fresh PostgreSQL database."""
    def make(service: str, **env):
        import importlib
        service_env.setenv(f"{service.upper()}_DATABASE_URL", database_url(service))
        for key, value in env.items():
            service_env.setenv(key, value)
        _reset_contexts()
        package = importlib.import_module(service)
        app = package.create_app()
        app.config["TESTING"] = True
        return app
    return make
