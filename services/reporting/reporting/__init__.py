"""Retret reporting: the city secretariat's reports, projected from the events of the other services."""
from __future__ import annotations

from flask import Flask

from retret.http.app import create_base_app

from .context import context

TITLE = "Retret Reporting API"
DESCRIPTION = ("Reports for the city secretariat (summary, by unit, by session), projected from the events of "
               "registration and notifications. Never holds contacts. Staff bearer tokens come from "
               "POST /api/v1/auth/token on the registration service.")


def create_app() -> Flask:
    """The reporting API (`gunicorn "reporting:create_app()"`)."""
    from . import api
    app, smorest = create_base_app(context.settings, TITLE, DESCRIPTION, context.db.ping)
    api.register(smorest)
    return app
