"""marshmallow schemas of the notifications API (query arguments and answers)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from retret.http.pagination import PageArgs

from .domain.delivery_reports import KANNEL_DLR_TYPES
from .domain.lifecycle import STATUSES
from .domain.messages import CHANNELS, KINDS
from .domain.replies import OUTCOMES as REPLY_OUTCOMES


class NotificationFilterArgs(Schema):
    retreat_id = fields.UUID(load_default=None, metadata={"description": "Only this retreat's messages."})
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    registration_id = fields.UUID(load_default=None, metadata={"description": "Only messages to one registration."})


class NotificationListArgs(PageArgs, NotificationFilterArgs):
    pass


class StatsArgs(Schema):
    retreat_id = fields.UUID(load_default=None, metadata={"description": "Only this retreat's messages."})


class SmsInfoSchema(Schema):
    encoding = fields.String(metadata={"enum": ["GSM-7", "UCS-2"]})
    length = fields.Integer(metadata={"description": "Septets (GSM-7, extension characters count two) or "
                                                     "UTF-16 units (UCS-2)."})
    segments = fields.Integer(metadata={"description": "SMS parts: GSM-7 160 in one, 153 per part; UCS-2 70 / 67."})


class NotificationSchema(Schema):
    id = fields.String(metadata={"format": "uuid"})
    channel = fields.String(metadata={"enum": list(CHANNELS)})
    kind = fields.String(metadata={"enum": list(KINDS)})
    language = fields.String()
    recipient = fields.String(metadata={"description": "Email address or E.164 phone number."})
    recipient_name = fields.String(allow_none=True)
    retreat_id = fields.String(allow_none=True, metadata={"format": "uuid"})
    registration_id = fields.String(allow_none=True, metadata={"format": "uuid"})
    event_id = fields.String(allow_none=True, metadata={"description": "The event that caused the message."})
    subject = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES)})
    attempts = fields.Integer()
    provider = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    message_id = fields.String(metadata={"description": "Email Message-ID (stable across re-sends)."})
    due_at = fields.DateTime(allow_none=True, metadata={"description": "When the next attempt is due."})
    sent_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    sms = fields.Nested(SmsInfoSchema, allow_none=True, metadata={
        "description": "For an SMS: its encoding and how many segments it costs; null for an email."})


class HistoryEntrySchema(Schema):
    status = fields.String(metadata={"enum": list(STATUSES)})
    at = fields.DateTime()
    detail = fields.String(allow_none=True)


class NotificationDetailSchema(NotificationSchema):
    body_text = fields.String()
    body_html = fields.String(allow_none=True)
    history = fields.List(fields.Nested(HistoryEntrySchema))


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    next_cursor = fields.String(allow_none=True)


class ChannelStatsSchema(Schema):
    total = fields.Integer()
    statuses = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "Count per status (every status listed)."})


class UnreachableSchema(Schema):
    registration_id = fields.String(metadata={"format": "uuid"})
    retreat_id = fields.String(metadata={"format": "uuid"})
    nip = fields.String()
    name = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "The registration's status."})
    reason = fields.String(metadata={"enum": ["no_contact", "all_failed"], "description":
                                     "no_contact: neither email nor phone; all_failed: every message failed."})
    messages = fields.Integer(metadata={"description": "Messages to this registration (all of them failed)."})


class OfficialStatsSchema(Schema):
    total = fields.Integer(metadata={"description": "Officials with an open registration (invited, confirmed, "
                                                    "waitlisted)."})
    without_email = fields.Integer(metadata={"description": "Of them, without an email (they get SMS only)."})
    without_phone = fields.Integer(metadata={"description": "Of them, without a phone (they get email only)."})
    unreachable_total = fields.Integer()
    unreachable = fields.List(fields.Nested(UnreachableSchema), metadata={
        "description": "Officials nobody reached (at most 500 listed)."})


class NotificationStatsSchema(Schema):
    retreat_id = fields.String(allow_none=True)
    total = fields.Integer()
    statuses = fields.Dict(keys=fields.String(), values=fields.Integer())
    channels = fields.Dict(keys=fields.String(), values=fields.Nested(ChannelStatsSchema))
    officials = fields.Nested(OfficialStatsSchema)


class KannelDlrArgs(Schema):
    secret = fields.String(load_default=None, metadata={
        "description": "KANNEL_DLR_SECRET, as put in the dlr-url by the sender (checked first: 403 if wrong)."})
    id = fields.UUID(required=True, metadata={"description": "The notification the report is about."})
    attempt = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1_000_000), metadata={
        "description": "The attempt whose dlr-url the report came back on."})
    status = fields.Integer(required=True, validate=validate.OneOf(sorted(KANNEL_DLR_TYPES)), metadata={
        "description": "Kannel's DLR type (%d): 1 delivered, 2 not delivered, 4 buffered, 8 accepted by the "
                       "SMSC, 16 rejected by the SMSC."})
    answer = fields.String(load_default=None, metadata={
        "description": "The SMSC's answer (%A), kept (shortened) in the history."})
    provider = fields.String(load_default="kannel", validate=validate.Regexp(r"^kannel(?:[2-9]|[1-9][0-9])?$"),
                             metadata={"description": "Which Kannel of SMS_PROVIDERS sent it (kannel, kannel2, ...)."})


class KannelMoArgs(Schema):
    secret = fields.String(load_default=None, metadata={
        "description": "KANNEL_MO_SECRET, as put in the sms-service's get-url (checked first: 403 if wrong)."})
    from_ = fields.String(required=True, data_key="from", validate=validate.Length(min=1, max=40), metadata={
        "description": "The sender's number (%p): 62…, +62… or 08…."})
    to = fields.String(load_default=None, validate=validate.Length(max=40), metadata={
        "description": "The number the reply was sent to (%P)."})
    text = fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "The reply's text (%a)."})
    id = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "Kannel's id of the message (%I): the same id handed over twice is taken once."})


class MoAnswerSchema(Schema):
    reply_id = fields.String(metadata={"format": "uuid"})
    outcome = fields.String(metadata={"enum": list(REPLY_OUTCOMES), "description":
        "pending: handed to registration; already: nothing to change; otherwise why it was not applied (the "
        "sender gets an SMS saying how to answer)."})
    duplicate = fields.Boolean(metadata={"description": "The gateway handed this reply over before."})


class DlrAnswerSchema(Schema):
    ok = fields.Boolean(metadata={"description": "Always true: the report was received."})
    status = fields.String(allow_none=True, metadata={
        "enum": list(STATUSES), "description": "The SMS's status afterwards; null when no such SMS exists."})


# ---------------------------------------------------------------------------------------------- announcements
REGISTRATION_STATUSES = ("invited", "confirmed", "declined", "cancelled", "waitlisted")


def _strings(description: str, **kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=200), **kwargs), load_default=list,
                       metadata={"description": description})


class AudienceSchema(Schema):
    units = _strings("Unit codes (empty: every unit).")
    position_kinds = _strings("Position kinds, e.g. camat, lurah (empty: every kind).")
    groups = _strings("Groups/platoons (empty: every group).")
    statuses = fields.List(fields.String(validate=validate.OneOf(REGISTRATION_STATUSES)), load_default=list,
                           metadata={"description": "Registration statuses (empty: invited and confirmed)."})


class AnnouncementCreateSchema(Schema):
    retreat_id = fields.UUID(required=True)
    audience = fields.Nested(AudienceSchema, load_default=dict)
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), load_default=lambda: list(CHANNELS),
                           validate=validate.Length(min=1), metadata={
                               "description": "Channels to use; an official without one gets the other."})
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    send_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={
        "description": "When to send (ISO-8601 with offset); null or a past time: now."})


class AnnouncementAnswerSchema(Schema):
    id = fields.String(metadata={"format": "uuid"})
    recipients = fields.Integer(metadata={"description": "Officials in the audience when the request was made."})
    status = fields.String(metadata={"enum": ["scheduled", "sent"]})
    send_at = fields.DateTime()


class AnnouncementDetailSchema(AnnouncementAnswerSchema):
    retreat_id = fields.String(metadata={"format": "uuid"})
    audience = fields.Nested(AudienceSchema)
    channels = fields.List(fields.String())
    subject = fields.String()
    body = fields.String()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True, metadata={"description": "When its messages were written."})
    messages = fields.Integer(allow_none=True, metadata={"description": "Officials messaged (null until sent)."})
    delivery = fields.Dict(keys=fields.String(), values=fields.Nested(ChannelStatsSchema), metadata={
        "description": "Per channel: messages per status (every status listed)."})


# ---------------------------------------------------------------------------------------------- templates
class TemplateBodySchema(Schema):
    subject = fields.String(load_default=None, validate=validate.Length(max=500), metadata={
        "description": "Email only: the subject line (Jinja2)."})
    text = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata={
        "description": "The plain text (email) or the SMS text (Jinja2)."})
    html = fields.String(load_default=None, validate=validate.Length(max=100_000), metadata={
        "description": "Email only, optional: the HTML body (Jinja2, autoescaped; may extend "
                       "email/_layout.id.html)."})


class TemplatePreviewArgs(Schema):
    subject = fields.String(load_default=None)
    text = fields.String(load_default=None, metadata={"description": "Unsaved text to preview (optional)."})
    html = fields.String(load_default=None)
    values = fields.Dict(load_default=dict, metadata={
        "description": "Values replacing the sample ones, one level deep (e.g. {\"official\": {\"name\": ...}})."})


class TemplateSmsSchema(Schema):
    encoding = fields.String(metadata={"enum": ["GSM-7", "UCS-2"]})
    length = fields.Integer()
    segments = fields.Integer(metadata={"description": "GSM-7 160 in one, 153 per part; UCS-2 70 / 67."})
    per_segment = fields.Integer()
    ucs2_characters = fields.List(fields.String(), metadata={
        "description": "Characters of the SMS as sent that force UCS-2 (empty for GSM-7)."})
    replaced_characters = fields.List(fields.String(), metadata={
        "description": "Characters of the template replaced before sending (typographic quotes, dashes), so they "
                       "do not force UCS-2."})


class TemplatePreviewSchema(Schema):
    key = fields.String()
    subject = fields.String(allow_none=True)
    text = fields.String()
    html = fields.String(allow_none=True)
    sms = fields.Nested(TemplateSmsSchema, allow_none=True)


class TemplateSchema(Schema):
    key = fields.String(metadata={"description": "<kind>.<channel>.<language>, e.g. confirmation.email.id"})
    kind = fields.String(metadata={"enum": list(KINDS)})
    channel = fields.String(metadata={"enum": list(CHANNELS)})
    language = fields.String(metadata={"enum": ["id", "en"]})
    source = fields.String(metadata={"enum": ["database", "file", "fallback"], "description":
                                     "database: saved by an admin; file: shipped; fallback: none for this language, "
                                     "the Indonesian one is used."})
    subject = fields.String(allow_none=True)
    text = fields.String(allow_none=True)
    html = fields.String(allow_none=True)
    placeholders = fields.List(fields.String(), metadata={"description": "What the template may use."})
    required = fields.List(fields.String(), metadata={"description": "What the template must use."})
    updated_at = fields.DateTime(allow_none=True)
    updated_by = fields.String(allow_none=True)
    preview = fields.Nested(TemplatePreviewSchema, metadata={"description": "After a save: rendered with samples."})


class TemplateListSchema(Schema):
    items = fields.List(fields.Nested(TemplateSchema))
