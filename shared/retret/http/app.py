"""The base every service's Flask app starts from: smorest API, errors, auth scheme, CORS, trace ids, health."""
from __future__ import annotations

import http
import time

from flask import Flask, g, request
from flask_cors import CORS
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import CommonSettings
from ..logs import configure_logging
from ..tracing import reset_trace_id, set_trace_id
from .errors import DETAILS, PROBLEM_JSON, ApiError, ProblemSchema, http_exception_response, install_error_handlers
from .health import LATENCY, REQUESTS, health_blueprint
from .swagger_ui import ASSETS_URL as SWAGGER_UI_ASSETS
from .swagger_ui import SWAGGER_UI_CONFIG, swagger_ui_blueprint

TRACE_HEADER = "X-Request-ID"


class RetretApi(Api):
    """flask-smorest with problem+json as the one error shape, in code and in the OpenAPI document."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return http_exception_response(error)

    def _register_responses(self):
        """flask-smorest's shared error responses (the `default` of every operation among them) are declared as
        application/json; ours are problem+json, so they are declared as such."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response("DEFAULT_ERROR", {
            "description": "Default error response", "content": {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}}},
            lazy=True)


def create_base_app(settings: CommonSettings, title: str, description: str, ping_database) -> tuple[Flask, Api]:
    configure_logging(settings.service, process=f"{settings.service}-api")
    app = Flask(settings.service)
    app.config.update(
        SERVICE=settings.service, JWT_SECRET=settings.jwt_secret, REDIS_URL=settings.redis_url,
        API_TITLE=title, API_VERSION="v1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json", OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_ASSETS, OPENAPI_SWAGGER_UI_CONFIG=SWAGGER_UI_CONFIG,
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        },
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    if settings.trusted_proxies:
        # Behind nginx every request comes from the proxy: take the client's address from X-Forwarded-For, so
        # per-address limits (sign-in slow-down) see people, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies,
                                x_host=settings.trusted_proxies)
    api = RetretApi(app)
    install_error_handlers(app)
    if settings.cors_origins:
        CORS(app, origins=settings.cors_origins, expose_headers=[TRACE_HEADER])
    app.register_blueprint(health_blueprint(ping_database))
    app.register_blueprint(swagger_ui_blueprint())
    _trace_requests(app, settings.service)
    app.before_request(_refuse_nul_in_query)
    return app, api


def _refuse_nul_in_query():
    """PostgreSQL cannot hold a NUL character; refuse it in any query parameter before a query sees it."""
    bad = {name: ["Tidak boleh berisi karakter NUL."] for name, value in request.args.items(multi=True)
           if "\x00" in value or "\x00" in name}
    if bad:
        raise ApiError(422, DETAILS[422], errors=bad)


def _trace_requests(app: Flask, service: str) -> None:
    @app.before_request
    def _start():
        incoming = request.headers.get(TRACE_HEADER, "")
        g.trace_token = set_trace_id(incoming[:64] if incoming.isprintable() and incoming else None)
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        from ..tracing import current_trace_id
        response.headers[TRACE_HEADER] = current_trace_id()
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(service, request.method, endpoint, response.status_code).inc()
        if "started" in g:
            LATENCY.labels(service, endpoint).observe(time.perf_counter() - g.started)
        return response

    @app.teardown_request
    def _end(_exc):
        token = g.pop("trace_token", None)
        if token is not None:
            reset_trace_id(token)
