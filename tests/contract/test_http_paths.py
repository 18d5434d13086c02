"""The three APIs share one reverse proxy that routes by prefix (DESIGN §5): their paths must be disjoint and each
service may only serve the prefixes it owns. Every service serves its health, metrics and API documents."""
from __future__ import annotations

import pytest

OWNED = {
    "notifications": ("/api/v1/notifications", "/api/v1/announcements", "/api/v1/templates", "/api/v1/providers"),
    "reporting": ("/api/v1/reports",),
}
OTHERS = tuple(prefix for prefixes in OWNED.values() for prefix in prefixes)


@pytest.fixture
def specs(make_app):
    return {service: make_app(service).test_client().get("/openapi.json").get_json()
            for service in ("registration", "notifications", "reporting")}


def test_each_service_serves_only_its_own_prefixes(specs):
    for service, spec in specs.items():
        paths = list(spec["paths"])
        assert paths, service
        assert all(p.startswith("/api/v1/") for p in paths), (service, paths)
        if service in OWNED:
            assert all(p.startswith(OWNED[service]) for p in paths), (service, paths)
        else:
            assert not any(p.startswith(OTHERS) for p in paths), (service, paths)


def test_paths_are_unique_across_services(specs):
    seen: dict[str, str] = {}
    for service, spec in specs.items():
        for path in spec["paths"]:
            assert path not in seen, (path, service, seen.get(path))
            seen[path] = service


@pytest.mark.parametrize("service", ["registration", "notifications", "reporting"])
def test_health_metrics_and_documents(service, make_app):
    client = make_app(service).test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    ready = client.get("/readyz").get_json()
    assert ready["database"] == "up" and ready["redis"] in ("up", "down")
    assert b"retret_http_requests_total" in client.get("/metrics").data
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").get_json()["openapi"].startswith("3.")
