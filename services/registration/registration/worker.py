"""The registration Celery worker: `celery --app registration.worker worker`."""
from . import tasks  # noqa: F401  (registers the tasks)
from .context import context

celery = context.celery
app = celery
