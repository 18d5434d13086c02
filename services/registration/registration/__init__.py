"""The registration service: retreats, officials, registrations, invitations.

Served by `gunicorn "registration:create_app()"`; the worker is `registration.worker`."""
from __future__ import annotations

from flask import Flask

from retret.http.app import create_base_app
from retret.http.errors import problem

from .context import context
from .domain import DomainError

TITLE = "Retret — registration"
DESCRIPTION = ("Retreats, officials, registrations and invitations. Staff use a bearer JWT from "
               "POST /api/v1/auth/token; officials use the token of their invitation link.")


def create_app() -> Flask:
    """The API app. Refuses to start in production without its secrets; ensures the first admin."""
    from . import audit
    from .api import register_blueprints
    from .portal import blp as portal
    from .station import blp as station
    from .services.users import ensure_first_admin

    context.config  # noqa: B018 - read (and check) the settings now, not on the first request
    app, api = create_base_app(context.settings, TITLE, DESCRIPTION, context.db.ping)
    audit.install(context.db.sessions)  # staff changes are written down at every flush
    app.register_error_handler(DomainError, _domain_error)
    register_blueprints(api)
    app.register_blueprint(portal)  # the web pages (DESIGN §8): plain Flask, outside the OpenAPI document
    app.register_blueprint(station)
    ensure_first_admin()
    return app


def _domain_error(error: DomainError):
    return problem(409, error.message, code=error.code)
