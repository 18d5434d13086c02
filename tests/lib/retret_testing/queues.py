"""Read what Celery put on a Redis queue (kombu's Redis transport keeps a list per queue)."""
from __future__ import annotations

import base64
import json


def decode(raw: str) -> dict:
    message = json.loads(raw)
    body = message["body"]
    if message.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body).decode()
    args, kwargs, _embed = json.loads(body)
    return {"task": message["headers"]["task"], "args": args, "kwargs": kwargs, "raw": raw}


def queued(client, queue: str) -> list[dict]:
    """Messages waiting on `queue`, oldest first (kombu LPUSHes and BRPOPs)."""
    return [decode(raw) for raw in reversed(client.lrange(queue, 0, -1))]


def remove(client, queue: str, message: dict) -> None:
    """Drop one message from the queue: a lost message, as if Redis forgot it."""
    client.lrem(queue, 1, message["raw"])
