"""Channel senders behind one tiny interface (`providers.base.Provider`): email over SMTP now; SMS providers
in priority order (`SMS_PROVIDERS`) with the `log` provider for the embedded default."""
from __future__ import annotations

from retret.config import ConfigError

from ..config import NotificationSettings
from .base import PERMANENT, SENT, TEMPORARY, OutgoingMessage, Provider, SendResult  # noqa: F401
from .email_smtp import SmtpEmailProvider
from .sms_log import LogSmsProvider

SMS_PROVIDER_NAMES = ("kannel", "log")


def email_provider(settings: NotificationSettings) -> Provider:
    return SmtpEmailProvider(settings.smtp)


def sms_providers(settings: NotificationSettings) -> list[Provider]:
    """The configured SMS providers, in priority order. `log` is refused in production."""
    providers: list[Provider] = []
    for name in settings.sms_providers:
        if name not in SMS_PROVIDER_NAMES:
            raise ConfigError(f"SMS_PROVIDERS: unknown provider {name!r} (known: {', '.join(SMS_PROVIDER_NAMES)})")
        if name == "log":
            if settings.production:
                raise ConfigError("SMS_PROVIDERS: the log provider is refused when APP_ENV=production")
            providers.append(LogSmsProvider())
        # "kannel" is built in the SMS round; until then it is skipped.
    return providers
