"""`python -m registration.migrate`: bring the registration database to the latest Alembic revision."""
import os

from retret.migrate import main

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")
# migrations/ sits beside the package (services/registration/migrations); images install the service in editable mode.

if __name__ == "__main__":
    main("registration", MIGRATIONS_DIR)
