"""Who receives what: one table (DESIGN §3). Every subscriber gets every sequence of every source it follows;
types it does not want arrive as stubs (data None); personal fields reach only subscribers allowed them."""
from __future__ import annotations

import copy
from dataclasses import dataclass

from ..queues import NOTIFICATIONS, REGISTRATION, REPORTING
from .catalogue import CATALOGUE, event_type


@dataclass(frozen=True)
class Subscription:
    subscriber: str
    types: frozenset[str]
    personal_data: bool

    def sources(self) -> set[str]:
        return {CATALOGUE[name].source for name in self.types}


def _types(*prefixes: str, exclude: tuple[str, ...] = ()) -> frozenset[str]:
    return frozenset(
        name for name in CATALOGUE if name.startswith(prefixes) and name not in exclude
    )


SUBSCRIPTIONS: dict[str, Subscription] = {
    NOTIFICATIONS: Subscription(
        NOTIFICATIONS,
        _types("retreat.", "session.", "participant.", "registration.", "permit.", "group."),
        personal_data=True,
    ),
    # Two-way SMS: the one event registration consumes (it applies the reply like the invitation link).
    REGISTRATION: Subscription(REGISTRATION, frozenset({"sms.reply_received"}), personal_data=False),
    REPORTING: Subscription(
        REPORTING,
        _types("retreat.", "session.", "speaker.", "participant.", "registration.", "attendance.", "permit.",
               "group.", "notification."),
        personal_data=False,
    ),
}


def subscribers_of(source: str) -> list[Subscription]:
    return [s for s in SUBSCRIPTIONS.values() if source in s.sources()]


def _drop_path(data: dict, path: str) -> None:
    head, _, rest = path.partition(".")
    if head not in data:
        return
    if rest:
        if isinstance(data[head], dict):
            _drop_path(data[head], rest)
    else:
        del data[head]


def filter_for(subscription: Subscription, type_name: str, data: dict | None) -> dict | None:
    """The data `subscription` may see of an event: None (a stub) when it does not want the type."""
    if data is None or type_name not in subscription.types:
        return None
    if subscription.personal_data:
        return data
    filtered = copy.deepcopy(data)
    for path in event_type(type_name).personal:
        _drop_path(filtered, path)
    return filtered
