"""Development helpers started by `make run` (not used in production)."""
