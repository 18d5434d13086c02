"""Common library of the Retret services (the project's own `shared/`)."""
