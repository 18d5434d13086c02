"""Channel senders behind one tiny interface (`providers.base.Provider`): email over SMTP; SMS providers in
priority order (`SMS_PROVIDERS`, failover on the next when one cannot send): Kannel (`KANNEL_*`), and the `log`
provider for the embedded default (refused in production)."""
from __future__ import annotations

from retret.config import ConfigError

from ..config import NotificationSettings, check_kannel
from .base import PERMANENT, SENT, TECHNICAL, TEMPORARY, OutgoingMessage, Provider, SendResult  # noqa: F401
from .email_smtp import SmtpEmailProvider
from .sms_kannel import KannelSmsProvider
from .sms_log import LogSmsProvider

SMS_PROVIDER_NAMES = ("kannel", "log")


def email_provider(settings: NotificationSettings) -> Provider:
    return SmtpEmailProvider(settings.smtp)


def sms_providers(settings: NotificationSettings) -> list[Provider]:
    """The configured SMS providers, in priority order. `log` is refused in production."""
    providers: list[Provider] = []
    if len(set(settings.sms_providers)) != len(settings.sms_providers):
        raise ConfigError(f"SMS_PROVIDERS: a provider is listed twice ({', '.join(settings.sms_providers)})")
    for name in settings.sms_providers:
        if name not in SMS_PROVIDER_NAMES:
            raise ConfigError(f"SMS_PROVIDERS: unknown provider {name!r} (known: {', '.join(SMS_PROVIDER_NAMES)})")
        if name == "log":
            if settings.production:
                raise ConfigError("SMS_PROVIDERS: the log provider is refused when APP_ENV=production")
            providers.append(LogSmsProvider())
        elif name == "kannel":
            check_kannel(settings.kannel, settings.production)
            providers.append(KannelSmsProvider(settings.kannel, settings.sms_sender_id))
    return providers
