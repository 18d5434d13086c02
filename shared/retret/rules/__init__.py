"""Pure domain rules shared by the Retret services (no Flask, Celery or DB)."""
