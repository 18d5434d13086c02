"""`/docs` in a real headless Chromium with no way out of the machine (every request to another origin is cut, as
on a city hall's closed network): Swagger UI still renders each service's operations."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from retret_testing.infra import serving



@pytest.mark.parametrize("service", ["registration", "notifications", "reporting"])
def test_docs_render_without_internet(service, browser, make_app):
    app = make_app(service)
    paths = list(app.test_client().get("/openapi.json").get_json()["paths"])
    with serving(app, name=f"{service}-docs") as base_url:
        context = browser.new_context()
        context.set_default_timeout(15_000)
        origin = urlsplit(base_url).netloc
        outside: list[str] = []

        def closed_network(route):
            if urlsplit(route.request.url).netloc == origin:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()
        context.route("**/*", closed_network)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(f"{base_url}/docs")
            page.locator(".opblock-summary-path").first.wait_for()
            shown = page.locator(".opblock-summary-path").all_inner_texts()
            assert {text.replace("\u200b", "") for text in shown} == set(paths)
        finally:
            context.close()
    assert outside == [], "the page asked for nothing outside the service"
    assert errors == []
