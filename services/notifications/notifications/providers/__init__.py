"""Channel senders behind one tiny interface (`providers.base.Provider`): email over SMTP; SMS providers in
priority order (`SMS_PROVIDERS`, failover on the next when one cannot send): Kannel gateways (`kannel` reads
`KANNEL_*`, `kannel2` reads `KANNEL2_*`, ...), and the `log` provider for the embedded default (refused in
production, at start-up already: `check_startup`)."""
from __future__ import annotations

import re

from retret.config import ConfigError

from ..config import KANNEL_NAME, NotificationSettings, check_kannel
from .base import PERMANENT, SENT, TECHNICAL, TEMPORARY, OutgoingMessage, Provider, SendResult  # noqa: F401
from .email_smtp import SmtpEmailProvider
from .sms_kannel import KannelSmsProvider
from .sms_log import LogSmsProvider

KNOWN = "log, kannel, kannel2 ... kannel99"
URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def email_provider(settings: NotificationSettings) -> Provider:
    return SmtpEmailProvider(settings.smtp)


def sms_providers(settings: NotificationSettings) -> list[Provider]:
    """The configured SMS providers, in priority order. `log` is refused in production."""
    providers: list[Provider] = []
    if len(set(settings.sms_providers)) != len(settings.sms_providers):
        raise ConfigError(f"SMS_PROVIDERS: a provider is listed twice ({', '.join(settings.sms_providers)})")
    for name in settings.sms_providers:
        if name == "log":
            if settings.production:
                raise ConfigError("SMS_PROVIDERS: the log provider (it sends nothing) is refused when "
                                  "APP_ENV=production; name a gateway, e.g. SMS_PROVIDERS=kannel")
            providers.append(LogSmsProvider())
        elif KANNEL_NAME.fullmatch(name):
            kannel = settings.kannels.get(name) or settings.kannel
            check_kannel(kannel, settings.production)
            providers.append(KannelSmsProvider(kannel, settings.sms_sender_id))
        else:
            raise ConfigError(f"SMS_PROVIDERS: unknown provider {name!r} (known: {KNOWN})")
    return providers


def check_startup(settings: NotificationSettings) -> None:
    """What the API and the worker check before they start (ConfigError naming the setting): the SMS providers
    can be built (`log` is refused in production) and, in production, two-way SMS has its secret."""
    sms_providers(settings)
    secret = settings.mo_secret
    if secret is not None and not URL_SAFE.fullmatch(secret):
        raise ConfigError("KANNEL_MO_SECRET may only hold letters, digits and - . _ ~ (Kannel puts it into the "
                          "reply URL as it is)")
    if settings.production and secret is not None and len(secret) < 16:
        raise ConfigError("KANNEL_MO_SECRET must be at least 16 characters when APP_ENV=production")
