"""Sending due messages: claim one (FOR UPDATE SKIP LOCKED), mark it sending (attempts + 1, commit), send it
outside any transaction, record the outcome. Run by `notifications.send_due` (beat, and nudged after events).

A message stuck in `sending` (the worker died after the provider accepted it, or before it answered) is claimed
again once NOTIFICATIONS_STUCK_SECONDS have passed: an email is re-sent with the same Message-ID, so mail clients
and counts see one message; an SMS becomes technical-failure for a person to check (unless its delivery report
arrives). SMS providers are tried in priority order while the previous one certainly did not send; a provider
that is down stops its channel for this run, not the other channel.

Rate limits per SMS provider (`KANNEL_RATE_PER_SECOND`, ...; domain.rate_limit) are kept in the database, shared by
every worker: a slot is taken when the message is claimed, from the first provider in priority order that has one.
When none has, the message stays as it is with its due time moved to the first free slot (no sleep): SMS stop for
this run, which asks for one more run at that time (a nudge; beat's scan picks it up anyway)."""
from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Collection

from sqlalchemy import and_, or_, select

from retret import clock
from retret.config import ConfigError
from retret.db import insert_ignore
from retret.queues import NOTIFICATIONS, queue_name
from retret.tracing import traced

from . import services
from .config import NotificationSettings, load_settings
from .context import context
from .domain import lifecycle, rate_limit
from .domain.messages import CHANNELS
from .models import Notification, SmsRateLimit
from .providers import PERMANENT, SENT, TECHNICAL, OutgoingMessage, SendResult, email_provider, sms_providers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    message: OutgoingMessage
    resent: bool  # claimed again after being stuck in sending
    trace_id: str | None = None
    # An SMS: the provider whose rate slot was taken (tried first; earlier ones in priority order had none).
    sms_provider: str | None = None


@dataclass(frozen=True)
class Throttled:
    """No SMS provider had a free slot: the message waits, due at `until`."""
    until: datetime


def _due_clause(now, stuck_before):
    """Due: waiting and its time has come, or claimed before `stuck_before` and never settled (the worker died,
    or the provider's answer was lost)."""
    return or_(
        and_(Notification.status.in_(lifecycle.DUE_STATUSES), Notification.due_at <= now),
        and_(Notification.status == lifecycle.SENDING, Notification.sending_at <= stuck_before),
    )


def _snapshot(n: Notification) -> OutgoingMessage:
    return OutgoingMessage(
        notification_id=n.id, channel=n.channel, recipient=n.recipient, recipient_name=n.recipient_name,
        subject=n.subject, body_text=n.body_text, body_html=n.body_html, message_id=n.message_id,
        attempts=n.attempts, language=n.language, attachments=tuple(n.attachments or ()),
    )


def _sms_rates(settings: NotificationSettings) -> list[tuple[str, float]]:
    """(provider, messages per second) in priority order; 0 = no limit."""
    return [(name, settings.kannels[name].rate_per_second if name in settings.kannels else 0.0)
            for name in settings.sms_providers]


def take_slot(session, provider: str, rate: float, now: datetime) -> datetime | None:
    """Take one send slot of `provider` (its row locked): None when taken, else when the next one frees."""
    if rate <= 0:
        return None
    insert_ignore(session, SmsRateLimit, dict(provider=provider, next_at=now), keys=["provider"])
    row = session.execute(select(SmsRateLimit).where(SmsRateLimit.provider == provider)
                          .with_for_update().execution_options(populate_existing=True)).scalar_one()
    slot = rate_limit.take(clock.as_utc(row.next_at), now, rate)
    row.next_at = slot.next_at
    return slot.retry_at


def _reserve_sms(session, settings: NotificationSettings, now: datetime) -> str | Throttled | None:
    """The first provider (priority order) with a free slot, taken; Throttled when none has one; None when no
    provider is configured (the send reports it)."""
    waits = []
    for provider, rate in _sms_rates(settings):
        retry_at = take_slot(session, provider, rate, now)
        if retry_at is None:
            return provider
        waits.append(retry_at)
    return Throttled(min(waits)) if waits else None


def claim_next(settings: NotificationSettings, notification_id: str | None = None,
               skip_channels: Collection[str] = (), include_bulk: bool = True) -> Claim | Throttled | None | bool:
    """Claim the next due message (or the one given), not of `skip_channels` (nor bulk unless `include_bulk`): a
    Claim to send, False when a stuck one was settled without sending (try the next), Throttled when an SMS must
    wait for a rate slot, None when nothing is due."""
    with context.bus.unit_of_work() as session:
        now = clock.now()
        stmt = select(Notification).where(_due_clause(now, now - timedelta(seconds=settings.stuck_seconds)))
        if notification_id is not None:
            stmt = stmt.where(Notification.id == notification_id)
        if skip_channels:
            stmt = stmt.where(Notification.channel.not_in(list(skip_channels)))
        if not include_bulk:
            stmt = stmt.where(Notification.bulk.is_(False))
        n = session.execute(
            stmt.order_by(Notification.due_at, Notification.id).limit(1).with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if n is None:
            return None
        resent = n.status == lifecycle.SENDING
        if resent and lifecycle.stuck_outcome(n.channel, n.attempts) == lifecycle.TECHNICAL_FAILURE:
            services.change_status(session, n, lifecycle.TECHNICAL_FAILURE, now=now, due_at=None,
                                   error=n.error or "stuck in sending; check with the provider before re-sending")
            return False
        sms_provider = _reserve_sms(session, settings, now) if n.channel == "sms" else None
        if isinstance(sms_provider, Throttled):
            n.due_at = sms_provider.until  # waits as a due row: no status change, no attempt used
            return sms_provider
        detail = "re-sent after being stuck in sending (same Message-ID)" if resent else None
        with traced(n.trace_id):  # the status event carries the trace of the request behind the message
            services.change_status(session, n, lifecycle.SENDING, now=now, detail=detail, error=None,
                                   attempts=n.attempts + 1, sending_at=now, due_at=None)
        return Claim(message=_snapshot(n), resent=resent, trace_id=n.trace_id, sms_provider=sms_provider)


def _provider_send(message: OutgoingMessage, settings: NotificationSettings,
                   first_sms_provider: str | None = None) -> SendResult:
    try:
        if message.channel == "email":
            return email_provider(settings).send(message)
        return _sms_send(message, _from(sms_providers(settings), first_sms_provider), settings)
    except ConfigError as exc:
        return SendResult("temporary", "none", error=f"configuration: {exc}", provider_down=True)
    except Exception as exc:  # noqa: BLE001 - a provider bug must not leave the message in sending
        log.exception("provider failed unexpectedly", extra={"notification_id": message.notification_id})
        return SendResult("temporary", "none", error=f"unexpected: {exc!r}")


def _from(providers: list, first: str | None) -> list:
    """The providers from `first` on (those before it had no free rate slot)."""
    names = [p.name for p in providers]
    return providers[names.index(first):] if first in names else providers


def _failover_slot(provider, settings: NotificationSettings) -> bool:
    """Whether a provider tried after a failure has a free rate slot (taken if so)."""
    rate = settings.kannels[provider.name].rate_per_second if provider.name in settings.kannels else 0.0
    if rate <= 0:
        return True
    with context.bus.unit_of_work() as session:
        return take_slot(session, provider.name, rate, clock.now()) is None


def _sms_send(message: OutgoingMessage, providers: list, settings: NotificationSettings) -> SendResult:
    """The providers in priority order: the next one tries while the previous certainly did not send (and has a
    free rate slot; the first one's was taken when the message was claimed)."""
    if not providers:
        return SendResult("temporary", "none", error="no usable SMS provider (SMS_PROVIDERS)", provider_down=True)
    failures: list[str] = []
    result = None  # set by the first provider, which always tries (its slot was taken at the claim)
    for index, provider in enumerate(providers):
        if index and not _failover_slot(provider, settings):
            failures.append(f"{provider.name}: no free rate slot")
            continue
        result = provider.send(message)
        if not result.may_fail_over:
            break
        failures.append(f"{result.provider}: {result.error}")
        log.warning("SMS provider failed, trying the next", extra={
            "notification_id": message.notification_id, "provider": result.provider, "error": result.error})
    if result.outcome == SENT and failures:
        return replace(result, detail="; ".join(filter(None, [result.detail, "after " + "; ".join(failures)])))
    if result.may_fail_over and len(failures) > 1:  # every provider failed: say what each one said
        return replace(result, error="; ".join(failures))
    return result


def finish(claim: Claim, result: SendResult) -> str:
    """Record the outcome of one attempt; returns the status the message is in afterwards."""
    attempts = claim.message.attempts
    with context.bus.unit_of_work() as session:
        now = clock.now()
        n = session.get(Notification, claim.message.notification_id, with_for_update=True)
        if result.outcome == SENT:
            # A success is true even if the row was re-claimed meanwhile (the re-send carries the same Message-ID).
            moved = services.change_status(session, n, lifecycle.SENT, now=now, detail=result.detail,
                                           provider=result.provider, sent_at=now,
                                           provider_message_id=result.provider_message_id)
            if not moved and n.status in (lifecycle.SENT, lifecycle.DELIVERED):
                # Its delivery report came first (the gateway reported before this answer was recorded).
                n.provider = n.provider or result.provider
                n.provider_message_id = n.provider_message_id or result.provider_message_id
                n.sent_at = n.sent_at or now
            return n.status
        if n.status != lifecycle.SENDING or n.attempts != attempts:
            log.info("stale attempt outcome ignored", extra={"notification_id": n.id, "status": n.status})
            return n.status
        if result.outcome == PERMANENT:
            services.change_status(session, n, lifecycle.PERMANENT_FAILURE, now=now, error=result.error,
                                   provider=result.provider)
        elif result.outcome == TECHNICAL:
            services.change_status(session, n, lifecycle.TECHNICAL_FAILURE, now=now, error=result.error,
                                   provider=result.provider, due_at=None)
        else:
            status, due_at = lifecycle.after_temporary_failure(attempts, now)
            services.change_status(session, n, status, now=now, error=result.error, provider=result.provider,
                                   due_at=due_at)
        return n.status


def send_due(settings: NotificationSettings | None = None, limit: int | None = None,
             include_bulk: bool = True) -> dict:
    """Send what is due now, one message at a time, until nothing is due, the batch or time budget is used,
    or a provider is down (bulk messages only with `include_bulk`). Returns counts of the resulting statuses."""
    settings = settings or load_settings()
    limit = limit or settings.send_batch
    deadline = time.monotonic() + settings.send_budget_seconds
    counts: Counter = Counter()
    down: set[str] = set()  # channels whose provider is down: the others keep sending (SMTP down, SMS not)
    throttled_until: datetime | None = None
    for _ in range(limit):
        claim = claim_next(settings, skip_channels=down, include_bulk=include_bulk)
        if claim is None:
            break
        if claim is False:
            counts[lifecycle.TECHNICAL_FAILURE] += 1
            continue
        if isinstance(claim, Throttled):
            down.add("sms")
            throttled_until = claim.until
            counts["throttled"] += 1
            continue
        with traced(claim.trace_id):
            result = _provider_send(claim.message, settings, claim.sms_provider)
            counts[finish(claim, result)] += 1
        if result.provider_down:
            down.add(claim.message.channel)
        if down >= set(CHANNELS) or time.monotonic() > deadline:
            break
    if throttled_until is not None:
        _run_again_at(throttled_until)
    return dict(counts)


def _run_again_at(when: datetime) -> None:
    """One more send_due when the first rate slot frees (a nudge: the rows wait in the database either way)."""
    delay = max((when - clock.now()).total_seconds(), 0.0)
    try:
        context.celery.send_task(f"{NOTIFICATIONS}.send_due", queue=queue_name(NOTIFICATIONS),
                                 countdown=delay, expires=delay + 60)
    except Exception as exc:  # noqa: BLE001 - the broker being down only delays the SMS until beat's scan
        log.warning("could not ask for the next send run", extra={"error": repr(exc)})


def send_one(notification_id: str, settings: NotificationSettings | None = None) -> str | None:
    """Send one message now if it is due (or stuck); returns its status afterwards, None if not due."""
    settings = settings or load_settings()
    claim = claim_next(settings, notification_id)
    if not claim or isinstance(claim, Throttled):
        return None
    with traced(claim.trace_id):
        return finish(claim, _provider_send(claim.message, settings, claim.sms_provider))
