"""Contract tests: every event sample matches its schema, and every subscribed consumer accepts it."""
from __future__ import annotations

import importlib
import json

import pytest

from retret.bus import ConsumeResult
from retret.events import CATALOGUE, SUBSCRIPTIONS, EnvelopeSchema, filter_for, make_envelope


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_sample_validates_against_its_schema(name):
    kind = CATALOGUE[name]
    sample = json.loads(json.dumps(kind.sample))  # what travels is JSON
    assert kind.schema().validate(sample) == {}
    envelope = make_envelope(type=name, source=kind.source, sequence=1, data=sample, retreat_id=sample.get("retreat_id"))
    EnvelopeSchema().load(envelope)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_personal_fields_exist_in_the_sample(name):
    """A personal path that names nothing would silently leak the real field."""
    kind = CATALOGUE[name]
    for path in kind.personal:
        node = kind.sample
        for part in path.split("."):
            assert part in node, (name, path)
            node = node[part]


@pytest.mark.parametrize("subscriber", sorted(SUBSCRIPTIONS))
def test_every_subscribed_consumer_accepts_every_sample(subscriber, make_app):
    make_app(subscriber)
    context = importlib.import_module(f"{subscriber}.context").context
    handlers = importlib.import_module(f"{subscriber}.handlers").HANDLERS
    subscription = SUBSCRIPTIONS[subscriber]
    sequences = {}
    for name, kind in CATALOGUE.items():
        if kind.source not in subscription.sources():
            continue
        sequences[kind.source] = sequences.get(kind.source, 0) + 1
        data = filter_for(subscription, name, json.loads(json.dumps(kind.sample)))
        envelope = make_envelope(type=name, source=kind.source, sequence=sequences[kind.source], data=data,
                                 retreat_id=kind.sample.get("retreat_id"))
        result = context.bus.consume(envelope, handlers)
        expected = ConsumeResult.APPLIED if name in subscription.types else ConsumeResult.STUB
        assert result is expected, name
        assert name not in subscription.types or name in handlers, f"{subscriber} has no handler for {name}"
    for source, last in sequences.items():
        assert context.bus.cursor_status()[source] == {"last_sequence": last, "max_seen": last, "gaps": []}
