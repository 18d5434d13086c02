"""`python -m notifications.migrate`: bring the notifications database to the latest Alembic revision."""
import os

from retret.migrate import main

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")
# migrations/ sits beside the package (services/notifications/migrations); images install the service in editable mode.

if __name__ == "__main__":
    main("notifications", MIGRATIONS_DIR)
