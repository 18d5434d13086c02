"""`/api/v1/templates`: the message templates per kind, channel and language (admin only)."""
from __future__ import annotations

from flask_smorest import Blueprint

from retret.auth import current_claims
from retret.http.docs import problems, staff

from .. import template_store
from ..schemas import TemplateBodySchema, TemplateListSchema, TemplatePreviewArgs, TemplatePreviewSchema, \
    TemplateSchema

blp = Blueprint("templates", __name__, url_prefix="/api/v1/templates",
                description="Message templates (Jinja2 in a sandbox), stored in the database over the shipped files.")


@blp.route("")
@staff()
@blp.response(200, TemplateListSchema)
def list_templates():
    """Every template key (`<kind>.<channel>.<language>`) with its source and what it may use."""
    return template_store.list_templates()


@blp.route("/<string:key>", methods=["PUT"])
@staff()
@blp.arguments(TemplateBodySchema)
@blp.response(200, TemplateSchema)
@problems(400, 404, (422, "Invalid template: `errors` names each unknown or missing placeholder per part."))
def put_template(body, key):
    """Save a template (checked first); answered with a preview from sample values."""
    return template_store.save_template(key, body, current_claims().get("sub"))


@blp.route("/<string:key>/preview", methods=["POST"])
@staff()
@blp.arguments(TemplatePreviewArgs)
@blp.response(200, TemplatePreviewSchema)
@problems(400, 404, (422, "Invalid template or values."))
def preview_template(body, key):
    """Render the template (or the unsaved parts sent) with sample data; an SMS with its encoding and segments."""
    return template_store.preview_template(key, body)
