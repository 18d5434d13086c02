"""The official's web page (DESIGN.md §8): plain HTML + JavaScript that calls the JSON API like any client.

`GET /portal/invitations/<token>` is the same page for every token (the script reads the token from its own URL);
`GET /portal/config.js` tells the page where the API is. A plain Flask blueprint, so none of it enters the
OpenAPI document; unknown paths under /portal/ fall through to the shared problem+json 404."""
from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

blp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates",
                static_folder="static/portal", static_url_path="/static")

# The page loads only its own assets and talks only to its own origin; the token in its URL never leaves as a
# referrer.
PAGE_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-cache",
}


@blp.get("/invitations/<string:token>")
def invitation(token: str):  # noqa: ARG001 - the page reads the token from its URL
    return render_template("portal/invitation.html"), 200, PAGE_HEADERS


@blp.get("/config.js")
def config_js():
    """The APIs' base URLs, seen from the browser: the origin the page was served from (behind the proxy,
    ProxyFix with TRUSTED_PROXIES makes that the public one)."""
    config = {"registrationApi": request.url_root.rstrip("/") + "/api/v1"}
    body = f"window.RETRET_CONFIG = {json.dumps(config)};\n"
    return Response(body, mimetype="text/javascript",
                    headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
