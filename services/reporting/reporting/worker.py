"""The reporting Celery worker: `celery --app reporting.worker worker` consumes the `reporting` queue (reporting
has no long jobs, hence no bulk worker)."""
from retret.celery_factory import consume
from retret.queues import REPORTING

from . import tasks  # noqa: F401  (registers the tasks)
from .context import context

celery = consume(context.celery, REPORTING, bulk=False)
app = celery
