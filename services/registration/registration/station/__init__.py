"""The check-in station (DESIGN.md §8): a plain HTML + JavaScript page for a phone or laptop with a
QR scanner or a camera.

`GET /station/` is the same page for every station: the operator opens the `station_url` of a station token
(`/station/#retreat=<id>&token=<token>`, the token in the fragment, so it never reaches a server log or a
referrer); the page keeps both in the browser, loads the manifest, decides each scan at once from it (present,
late, already scanned, unknown), queues the scans with their true time and a scan id, and uploads them in batches
whenever the network is there. A plain Flask blueprint, outside the OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..portal import PAGE_HEADERS

blp = Blueprint("station", __name__, url_prefix="/station", template_folder="templates",
                static_folder="static/station", static_url_path="/static")


@blp.get("/")
def page():
    return render_template("station/station.html"), 200, PAGE_HEADERS
