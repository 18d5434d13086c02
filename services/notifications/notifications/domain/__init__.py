"""Pure rules of the notifications service (no Flask, Celery or database)."""
