"""The notifications Celery worker: `celery --app notifications.worker worker` consumes the `notifications` queue
(events, sends, delivery reports); `notifications.bulk_worker` takes the scans of due work and the fan-outs."""
from retret.celery_factory import consume
from retret.queues import NOTIFICATIONS

from . import tasks  # noqa: F401  (registers the tasks)
from .config import load_settings
from .context import context
from .providers import check_startup

check_startup(load_settings())  # refused before the worker takes any message (the log provider in production)

celery = consume(context.celery, NOTIFICATIONS, bulk=False)
app = celery
