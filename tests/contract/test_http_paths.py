"""The three APIs share one reverse proxy that routes by prefix (DESIGN §5): their paths must be disjoint and each
service may only serve the prefixes it owns. Every service serves its health, metrics and API documents."""
from __future__ import annotations

import html.parser
import re

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


class _Assets(html.parser.HTMLParser):
    """The scripts and stylesheets a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


@pytest.mark.parametrize("service", ["registration", "notifications", "reporting"])
def test_docs_load_only_from_the_service_itself(service, make_app):
    """/docs works on a network without internet: Swagger UI's files come from the service, not a CDN."""
    client = make_app(service).test_client()
    page = client.get("/docs")
    assert page.status_code == 200
    html_text = page.get_data(as_text=True)
    assert not re.search(r"https?://", html_text), "the page names no other host"
    assert '"validatorUrl": null' in html_text, "no badge from validator.swagger.io"
    parser = _Assets()
    parser.feed(html_text)
    assert len(parser.urls) == 3, parser.urls
    kinds = set()
    for url in parser.urls:
        assert url.startswith("/docs/static/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        kind = asset.mimetype
        assert kind in ("text/javascript", "application/javascript", "text/css"), (url, kind)
        assert asset.headers["X-Content-Type-Options"] == "nosniff"
        assert len(asset.get_data()) > 1000, url
        kinds.add("css" if kind == "text/css" else "js")
    assert kinds == {"css", "js"}


def test_docs_assets_serve_only_swagger_ui_files(make_app):
    client = make_app("registration").test_client()
    assert client.get("/docs/static/swagger-ui-bundle.js.map").status_code == 200
    for name in ("index.html", "index.j2", "swagger-initializer.js", "..%2F__init__.py", "nothing.js"):
        response = client.get(f"/docs/static/{name}")
        assert response.status_code == 404, name
        assert response.mimetype == "application/problem+json"
