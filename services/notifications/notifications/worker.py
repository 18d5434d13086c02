"""The notifications Celery worker: `celery --app notifications.worker worker`."""
from . import tasks  # noqa: F401  (registers the tasks)
from .context import context

celery = context.celery
app = celery
