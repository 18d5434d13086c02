"""The registration bulk worker: `celery --app registration.bulk_worker worker` consumes only `registration.bulk`
(imports too large to answer in the request), so a long import never delays the events."""
from retret.queues import REGISTRATION
from retret.celery_factory import consume

from .worker import celery as _celery

celery = consume(_celery, REGISTRATION, bulk=True)
app = celery
