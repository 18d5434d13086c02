"""The registration Celery worker: `celery --app registration.worker worker` consumes the `registration` queue
(events and short tasks); `registration.bulk_worker` takes the long jobs."""
from retret.queues import REGISTRATION
from retret.celery_factory import consume

from . import tasks  # noqa: F401  (registers the tasks)
from .context import context

celery = consume(context.celery, REGISTRATION, bulk=False)
app = celery
