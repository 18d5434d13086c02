"""/healthz (the process answers), /readyz (its database; Redis reported, never failing it), /metrics."""
from __future__ import annotations

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

REQUESTS = Counter("retret_http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"])
LATENCY = Histogram("retret_http_request_seconds", "HTTP request latency", ["service", "endpoint"])


def redis_state(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5, retry=Retry(NoBackoff(), 0))
        client.ping()
        return "up"
    except redis.RedisError:
        return "down"


def health_blueprint(ping_database) -> Blueprint:
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=current_app.config["SERVICE"])

    @bp.get("/readyz")
    def readyz():
        database = "up" if ping_database() else "down"
        body = {"status": "ok" if database == "up" else "unavailable", "service": current_app.config["SERVICE"],
                "database": database, "redis": redis_state(current_app.config["REDIS_URL"])}
        return jsonify(body), 200 if database == "up" else 503

    @bp.get("/metrics")
    def metrics():
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    return bp
