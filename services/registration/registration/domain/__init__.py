"""Registration's pure rules: no Flask, no database, no Celery. Shared rules (NIP, phone, ...) live in retret.rules."""


class DomainError(Exception):
    """A rule refused an action; `code` is stable for clients, `message` is Bahasa Indonesia for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
