"""Registration's own settings (the common ones are in retret.config), read from the environment."""
from __future__ import annotations

from dataclasses import dataclass

from retret.config import ConfigError, env_int, env_str, secret_setting

from .domain.importing import SYNC_MAX_ROWS

DEV_ADMIN_USERNAME = "admin"
DEV_ADMIN_PASSWORD = "admin"


@dataclass(frozen=True)
class RegistrationSettings:
    invitation_secret: str
    public_base_url: str
    admin_username: str
    admin_password: str
    # Import files of up to this many rows are answered in the request; larger ones become a job.
    import_sync_max_rows: int = SYNC_MAX_ROWS


def load_settings(app_env: str) -> RegistrationSettings:
    """Read the settings; in production refuse to start without the secrets (never a default password)."""
    production = app_env == "production"
    secret = secret_setting("INVITATION_SECRET", app_env)
    password = env_str("ADMIN_PASSWORD")
    if not password:
        if production:
            raise ConfigError("ADMIN_PASSWORD must be set when APP_ENV=production")
        password = DEV_ADMIN_PASSWORD
    base_url = env_str("PUBLIC_BASE_URL", "http://localhost:5001")
    return RegistrationSettings(
        invitation_secret=secret,
        public_base_url=base_url.rstrip("/"),
        admin_username=(env_str("ADMIN_USERNAME", DEV_ADMIN_USERNAME) or DEV_ADMIN_USERNAME).strip(),
        admin_password=password,
        import_sync_max_rows=_import_sync_max_rows(),
    )


def _import_sync_max_rows() -> int:
    """Never above the contract's 10,000 (tests lower it to reach the job path with small files)."""
    rows = env_int("IMPORT_SYNC_MAX_ROWS", SYNC_MAX_ROWS)
    if not 1 <= rows <= SYNC_MAX_ROWS:
        raise ConfigError(f"IMPORT_SYNC_MAX_ROWS must be between 1 and {SYNC_MAX_ROWS}, got {rows}")
    return rows
