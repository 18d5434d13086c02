"""One way to read configuration: environment variables, documented in .env.example."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .rules.phone import parse_regions


class ConfigError(RuntimeError):
    """A setting is missing or malformed; raised at start-up, never per request."""


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


DEV_SECRET = "development-only-secret-change-me"


@dataclass(frozen=True)
class BusSettings:
    relay_seconds: float = 5.0
    heartbeat_seconds: float = 60.0
    scan_seconds: float = 15.0
    gap_grace_seconds: float = 30.0
    replay_page_size: int = 500


@dataclass(frozen=True)
class CommonSettings:
    """Settings every service reads."""

    service: str
    app_env: str
    redis_url: str
    database_url: str
    jwt_secret: str
    celery_visibility_timeout: int
    cors_origins: list[str]
    trusted_proxies: int = 0
    bus: BusSettings = field(default_factory=BusSettings)
    # Countries besides Indonesia whose mobiles are accepted (+CC form): region codes, "*" for any, none by default.
    phone_foreign_regions: frozenset[str] = frozenset()

    @property
    def production(self) -> bool:
        return self.app_env == "production"


MIN_SECRET_LENGTH = 32  # HMAC-SHA256 keys shorter than the hash are guessable (RFC 7518 §3.2)


def secret_setting(name: str, app_env: str) -> str:
    """A signing key: required and long enough in production, a well-known value in development."""
    value = env_str(name)
    if app_env != "production":
        return value or DEV_SECRET
    if not value:
        raise ConfigError(f"{name} must be set when APP_ENV=production")
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{name} must be at least {MIN_SECRET_LENGTH} characters when APP_ENV=production")
    return value


def load_common(service: str) -> CommonSettings:
    """Read the common settings for `service` (its database URL is `<SERVICE>_DATABASE_URL`)."""
    app_env = env_str("APP_ENV", "development")
    if app_env not in ("development", "production", "test"):
        raise ConfigError(f"APP_ENV must be development or production, got {app_env!r}")
    default_db = f"sqlite:///{os.path.abspath(os.path.join('var', service + '.db'))}"
    return CommonSettings(
        service=service,
        app_env=app_env,
        redis_url=env_str("REDIS_URL", "redis://127.0.0.1:6379/0"),
        database_url=env_str(f"{service.upper()}_DATABASE_URL", default_db),
        jwt_secret=secret_setting("JWT_SECRET", app_env),
        celery_visibility_timeout=env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        cors_origins=env_list("CORS_ORIGINS"),
        trusted_proxies=env_int("TRUSTED_PROXIES", 0),
        bus=BusSettings(
            relay_seconds=env_float("BUS_RELAY_SECONDS", 5.0),
            heartbeat_seconds=env_float("BUS_HEARTBEAT_SECONDS", 60.0),
            scan_seconds=env_float("BUS_SCAN_SECONDS", 15.0),
            gap_grace_seconds=env_float("BUS_GAP_GRACE_SECONDS", 30.0),
            replay_page_size=env_int("BUS_REPLAY_PAGE_SIZE", 500),
        ),
        phone_foreign_regions=_phone_foreign_regions(),
    )


def _phone_foreign_regions() -> frozenset[str]:
    try:
        return parse_regions(env_list("PHONE_FOREIGN_REGIONS"))
    except ValueError as exc:
        raise ConfigError(f"PHONE_FOREIGN_REGIONS: {exc}") from exc
