"""The reporting API: one blueprint module per resource, all under /api/v1/reports."""
from __future__ import annotations

from flask_smorest import Api

from . import projection, retreat_reports


def register(api: Api) -> None:
    api.register_blueprint(retreat_reports.blp)
    api.register_blueprint(projection.blp)
