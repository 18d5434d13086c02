"""Settings of the notifications service (environment variables, documented in .env.example).

Read on each use (cheap), so a test or an operator changing the environment is seen by the next send."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from retret.config import ConfigError, env_bool, env_float, env_int, env_list, env_str


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 1025
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0
    mail_from: str = "noreply@retret.example"


@dataclass(frozen=True)
class KannelSettings:
    """One Kannel of SMS_PROVIDERS: its smsbox sendsms interface and the delivery-report callback.

    Provider `kannel` reads `KANNEL_*`, provider `kannel2` reads `KANNEL2_*` and so on (`kannel<N>`, N >= 2).
    The delivery-report and reply secrets are this service's own, shared by every Kannel (KANNEL_DLR_SECRET,
    KANNEL_MO_SECRET)."""
    name: str = "kannel"
    sendsms_url: str = "http://127.0.0.1:13013/cgi-bin/sendsms"
    username: str | None = None
    password: str | None = None
    dlr_secret: str | None = None
    timeout: float = 5.0
    # Where the gateway reaches this service's API (delivery reports go to .../api/v1/providers/kannel/dlr).
    base_url: str = "http://127.0.0.1:5002"
    # Messages per second this gateway (its operator contract) accepts; 0 = no limit.
    rate_per_second: float = 0.0

    @property
    def prefix(self) -> str:
        return self.name.upper() + "_"


@dataclass(frozen=True)
class NotificationSettings:
    app_env: str = "development"
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    # An email left in `sending` longer than this is re-sent (same Message-ID); an SMS becomes technical-failure.
    stuck_seconds: int = 300
    # One send_due run sends at most this many messages and stops starting new ones after the time budget.
    send_batch: int = 200
    send_budget_seconds: float = 60.0
    sms_providers: tuple[str, ...] = ("log",)
    sms_sender_id: str = "RETRET"
    kannel: KannelSettings = field(default_factory=KannelSettings)
    # Officials who have not answered are reminded this many days before answers close.
    reminder_days: tuple[int, ...] = (7, 2)
    # A mandatory session's reminder goes this many minutes before it starts.
    session_reminder_minutes: int = 60
    # Every Kannel named in SMS_PROVIDERS, by provider name (`kannel`, `kannel2`, ...).
    kannels: dict[str, KannelSettings] = field(default_factory=dict)
    # Two-way SMS: the secret Kannel's sms-service puts in the reply URL (/api/v1/providers/kannel/mo).
    mo_secret: str | None = None

    @property
    def production(self) -> bool:
        return self.app_env == "production"


# Provider names: `log`, `kannel` (KANNEL_*) and further Kannels `kannel2`, `kannel3`, ... (KANNEL2_*, ...).
KANNEL_NAME = re.compile(r"kannel(?:[2-9]|[1-9][0-9])?")


def load_settings() -> NotificationSettings:
    app_env = env_str("APP_ENV", "development")
    providers = tuple(env_list("SMS_PROVIDERS", ["log"]))
    port = env_int("SMTP_PORT", 1025)
    if not 0 < port < 65536:
        raise ConfigError(f"SMTP_PORT must be a TCP port, got {port}")
    stuck = env_int("NOTIFICATIONS_STUCK_SECONDS", 300)
    if stuck < 1:
        raise ConfigError("NOTIFICATIONS_STUCK_SECONDS must be at least 1")
    return NotificationSettings(
        app_env=app_env,
        reminder_days=_reminder_days(env_list("REMINDER_DAYS_BEFORE_DEADLINE", ["7", "2"])),
        session_reminder_minutes=_session_minutes(env_int("SESSION_REMINDER_MINUTES", 60)),
        smtp=SmtpSettings(
            host=env_str("SMTP_HOST", "127.0.0.1"),
            port=port,
            username=env_str("SMTP_USERNAME"),
            password=env_str("SMTP_PASSWORD"),
            starttls=env_bool("SMTP_STARTTLS", False),
            timeout=env_float("SMTP_TIMEOUT_SECONDS", 10.0),
            mail_from=env_str("MAIL_FROM", "noreply@retret.example"),
        ),
        stuck_seconds=stuck,
        send_batch=max(1, env_int("NOTIFICATIONS_SEND_BATCH", 200)),
        send_budget_seconds=env_float("NOTIFICATIONS_SEND_BUDGET_SECONDS", 60.0),
        sms_providers=providers,
        sms_sender_id=env_str("SMS_SENDER_ID", "RETRET") or "RETRET",
        kannel=kannel_settings("kannel"),
        kannels={name: kannel_settings(name) for name in providers if KANNEL_NAME.fullmatch(name)},
        mo_secret=env_str("KANNEL_MO_SECRET"),
    )


def kannel_settings(name: str) -> KannelSettings:
    """The settings of Kannel provider `name` from its own prefix (`kannel2` → KANNEL2_*)."""
    prefix = name.upper() + "_"
    rate = env_float(prefix + "RATE_PER_SECOND", 0.0)
    if rate < 0:
        raise ConfigError(f"{prefix}RATE_PER_SECOND must be 0 (no limit) or more, got {rate}")
    return KannelSettings(
        name=name,
        sendsms_url=env_str(prefix + "SENDSMS_URL", "http://127.0.0.1:13013/cgi-bin/sendsms"),
        username=env_str(prefix + "USERNAME"),
        password=env_str(prefix + "PASSWORD"),
        dlr_secret=env_str("KANNEL_DLR_SECRET"),
        timeout=env_float(prefix + "TIMEOUT_SECONDS", 5.0),
        base_url=(env_str("NOTIFICATIONS_BASE_URL", "http://127.0.0.1:5002") or "").rstrip("/"),
        rate_per_second=rate,
    )


def _reminder_days(values: list[str]) -> tuple[int, ...]:
    try:
        days = tuple(sorted({int(v) for v in values}, reverse=True))
    except ValueError:
        raise ConfigError("REMINDER_DAYS_BEFORE_DEADLINE must be whole days, comma separated, "
                          f"got {values!r}") from None
    if any(d < 1 for d in days):
        raise ConfigError("REMINDER_DAYS_BEFORE_DEADLINE must list days of at least 1")
    return days


def _session_minutes(minutes: int) -> int:
    if minutes < 1:
        raise ConfigError("SESSION_REMINDER_MINUTES must be at least 1")
    return minutes


def check_kannel(settings: KannelSettings, production: bool) -> None:
    """Refuse a Kannel provider that cannot work: no account, no delivery-report secret, a bad URL."""
    prefix = settings.prefix
    for name, value in ((prefix + "SENDSMS_URL", settings.sendsms_url), ("NOTIFICATIONS_BASE_URL", settings.base_url)):
        if not value or not value.startswith(("http://", "https://")):
            raise ConfigError(f"{name} must be an http(s) URL, got {value!r}")
    if not settings.username or settings.password is None:
        raise ConfigError(f"{prefix}USERNAME and {prefix}PASSWORD must be set to send SMS through Kannel "
                          f"(provider {settings.name!r} of SMS_PROVIDERS)")
    if not settings.dlr_secret:
        raise ConfigError("KANNEL_DLR_SECRET must be set: delivery reports are only accepted with it")
    if production and len(settings.dlr_secret) < 16:
        raise ConfigError("KANNEL_DLR_SECRET must be at least 16 characters when APP_ENV=production")
