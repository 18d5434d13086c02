"""Service and queue names, in one place (DESIGN §3: queues per service, never the default queue)."""
from __future__ import annotations

import os

REGISTRATION = "registration"
NOTIFICATIONS = "notifications"
REPORTING = "reporting"
SERVICES = (REGISTRATION, NOTIFICATIONS, REPORTING)
# Services with long jobs on `<service>.bulk`, consumed by a worker of its own (Procfile `<service>-bulk-worker`).
WITH_BULK_WORKER = (REGISTRATION, NOTIFICATIONS)


def prefix() -> str:
    return os.environ.get("CELERY_QUEUE_PREFIX", "") or ""


def queue_name(service: str, bulk: bool = False) -> str:
    """`<prefix><service>` or `<prefix><service>.bulk` for long jobs that must not delay events."""
    return f"{prefix()}{service}{'.bulk' if bulk else ''}"
