"""The notifications Celery worker: `celery --app notifications.worker worker`."""
from . import tasks  # noqa: F401  (registers the tasks)
from .config import load_settings
from .context import context
from .providers import check_startup

check_startup(load_settings())  # refused before the worker takes any message (the log provider in production)

celery = context.celery
app = celery
