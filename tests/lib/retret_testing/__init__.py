"""Test infrastructure: real PostgreSQL databases, a private Redis, Celery worker processes, an SMTP server."""
