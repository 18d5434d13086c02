"""Swagger UI's files served by the service itself, so `/docs` works where no public CDN can be reached (a city
hall's closed network, a machine without internet). The files come from the `swagger-ui-bundle` package, which
ships swagger-ui-dist's build."""
from __future__ import annotations

from flask import Blueprint, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

# flask-smorest's page loads `{OPENAPI_SWAGGER_UI_URL}swagger-ui.css` and the two scripts below.
ASSETS_URL = "/docs/static/"
PAGE_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")
# The page's files and their source maps (a browser's developer tools ask for them); nothing else of the package.
SERVED = frozenset(PAGE_ASSETS) | {f"{name}.map" for name in PAGE_ASSETS}
# Swagger UI sends the document's URL to validator.swagger.io for a badge unless told not to.
SWAGGER_UI_CONFIG = {"validatorUrl": None}


def swagger_ui_blueprint() -> Blueprint:
    bp = Blueprint("swagger_ui_assets", __name__)

    @bp.get(f"{ASSETS_URL}<string:filename>")
    def asset(filename: str):
        if filename not in SERVED:
            abort(404)
        response = send_from_directory(swagger_ui_path, filename)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return bp
