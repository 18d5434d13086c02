"""The notifications bulk worker: `celery --app notifications.bulk_worker worker` consumes only
`notifications.bulk` (beat's scans of due work: reminders, schedule changes and announcements to thousands), so
a big fan-out never delays the events and sends of the `notifications` queue."""
from retret.celery_factory import consume
from retret.queues import NOTIFICATIONS

from .worker import celery as _celery  # the same tasks and the same start-up checks

celery = consume(_celery, NOTIFICATIONS, bulk=True)
app = celery
