"""Registration's Celery tasks (thin): the bus tasks of a source (relay_outbox, replay_events, publish_heartbeat),
the retreats' life cycle by the clock (advance_retreats, from beat) and the bulk import's (import_registrations on
registration.bulk; resend_import_jobs from beat)."""
from retret.bus.tasks import register_bus_tasks
from retret.queues import REGISTRATION, queue_name

from .context import context
from .handlers import HANDLERS
from .services import imports, retreats

TASKS = register_bus_tasks(context.celery, lambda: context.bus, handlers=HANDLERS)


@context.celery.task(name=f"{REGISTRATION}.advance_retreats", queue=queue_name(REGISTRATION))
def advance_retreats() -> int:
    """published → running → finished for every retreat whose day has come (beat, every minute)."""
    return retreats.advance_retreats()


# --------------------------------------------------------------------------- bulk imports
@context.celery.task(name=f"{REGISTRATION}.import_registrations", queue=queue_name(REGISTRATION, bulk=True))
def import_registrations(job_id: str) -> None:
    """An import file beyond the request's limit (sent to registration.bulk)."""
    imports.run_job(job_id)


@context.celery.task(name=f"{REGISTRATION}.resend_import_jobs", queue=queue_name(REGISTRATION))
def resend_import_jobs() -> int:
    """Beat's scan for import jobs whose task message was lost."""
    return imports.resend_queued_jobs()
