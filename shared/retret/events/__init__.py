"""The event catalogue: envelope, data schemas with samples, and who subscribes to what."""
from .catalogue import CATALOGUE, EventType, event_type  # noqa: F401
from .envelope import EnvelopeSchema, make_envelope  # noqa: F401
from .subscriptions import SUBSCRIPTIONS, Subscription, filter_for, subscribers_of  # noqa: F401
