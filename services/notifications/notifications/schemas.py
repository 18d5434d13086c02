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


class UnreachedSchema(Schema):
    registration_id = fields.String(metadata={"format": "uuid"})
    retreat_id = fields.String(metadata={"format": "uuid"})
    nip = fields.String()
    name = fields.String(allow_none=True)
    reason = fields.String(metadata={"enum": ["no_channel", "all_failed"], "description":
                                     "no_channel: neither email nor phone; all_failed: every message failed."})
    messages = fields.Integer(metadata={"description": "Messages to this registration (all of them failed)."})


class NotificationStatsSchema(Schema):
    retreat_id = fields.String(allow_none=True)
    total = fields.Integer()
    statuses = fields.Dict(keys=fields.String(), values=fields.Integer())
    channels = fields.Dict(keys=fields.String(), values=fields.Nested(ChannelStatsSchema))
    unreached = fields.List(fields.Nested(UnreachedSchema), metadata={
        "description": "The officials nobody reached (a person follows up by telephone or letter)."})


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
