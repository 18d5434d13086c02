"""Reporting's pure rules: no Flask, Celery or database here (shared rules live in retret.rules)."""
