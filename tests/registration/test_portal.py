"""The official's invitation page as served (DESIGN §8): HTML in Bahasa Indonesia with the stable hooks, only
local assets, the API base in /portal/config.js, and problem+json for anything else under /portal/."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from retret_testing.http import assert_problem

PAGE = "/portal/invitations/any-token-the-page-reads-itself"


class _Page(HTMLParser):
    """The tags of a page, as (tag, attrs) pairs."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_the_page_is_html_in_indonesian_with_the_hooks(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    page = _parse(html)
    assert page.all("html") == [{"lang": "id"}]
    assert any(m.get("name") == "viewport" and "width=device-width" in m.get("content", "") for m in page.all("meta"))
    actions = [b.get("data-action") for b in page.all("button")]
    assert {"confirm", "decline", "submit"} <= set(actions)
    assert '<button type="button" class="primary" data-action="confirm">Konfirmasi kehadiran</button>' in html
    assert '<button type="button" class="secondary" data-action="decline">Tidak dapat hadir</button>' in html
    assert any(attrs.get("role") == "alert" for _tag, attrs in page.tags)
    assert "innerHTML" not in html


def test_the_same_page_for_every_token(client):
    first = client.get("/portal/invitations/abc").get_data()
    assert client.get("/portal/invitations/xyz.123_-").get_data() == first


def test_the_page_loads_only_local_assets(client):
    response = client.get(PAGE)
    page = _parse(response.get_data(as_text=True))
    urls = [a["src"] for a in page.all("script")] + [a["href"] for a in page.all("link")]
    assert urls
    for url in urls:
        assert url.startswith("/portal/") or url.startswith("data:"), url
    for url in urls:
        if url.startswith("/"):
            assert client.get(url).status_code == 200, url
    assert "'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the token is in the page's URL


def test_config_js_gives_the_api_base_of_this_origin(client):
    response = client.get("/portal/config.js", base_url="http://malang.example:8080")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert body.strip() == 'window.RETRET_CONFIG = {"registrationApi": "http://malang.example:8080/api/v1"};'


def test_static_files_are_served(client):
    script = client.get("/portal/static/invitation.js")
    assert script.status_code == 200
    assert script.mimetype in ("text/javascript", "application/javascript")
    source = script.get_data(as_text=True)
    assert "RETRET_CONFIG" in source
    assert not re.search(r"\.innerHTML\s*=|insertAdjacentHTML|document\.write", source)
    assert "Koneksi terputus. Periksa jaringan Anda lalu coba lagi." in source
    assert "Tautan undangan tidak valid atau sudah diganti." in source
    css = client.get("/portal/static/portal.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"


def test_unknown_portal_paths_are_problem_json_404(client):
    for path in ("/portal/nope", "/portal/", "/portal/invitations/", "/portal/static/nope.js",
                 "/portal/invitations/a/b"):
        assert_problem(client.get(path), 404)


def test_the_portal_is_not_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert paths and not [p for p in paths if p.startswith("/portal")]
    assert "/api/v1/invitations/{token}" in paths
