"""Registration's Celery tasks: the bus tasks of a source (relay_outbox, replay_events, publish_heartbeat), and
the bulk import's (import_registrations on registration.bulk; resend_import_jobs from beat)."""
from retret.bus.tasks import register_bus_tasks
from retret.queues import queue_name

from .context import context
from .handlers import HANDLERS
from .services import imports

TASKS = register_bus_tasks(context.celery, lambda: context.bus, handlers=HANDLERS,
                           is_source=context.is_source, is_consumer=context.is_consumer)


# --------------------------------------------------------------------------- bulk imports
@context.celery.task(name="registration.import_registrations", queue=queue_name("registration", bulk=True))
def import_registrations(job_id: str) -> None:
    """An import file beyond the request's limit (sent to registration.bulk)."""
    imports.run_job(job_id)


@context.celery.task(name="registration.resend_import_jobs", queue=queue_name("registration"))
def resend_import_jobs() -> int:
    """Beat's scan for import jobs whose task message was lost."""
    return imports.resend_queued_jobs()
