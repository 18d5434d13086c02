"""What the reporting blueprints share: the path prefix and in-memory list pages."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from retret.http.errors import field_error
from retret.http.pagination import DEFAULT_LIMIT, decode_cursor, encode_cursor

PREFIX = "/api/v1/reports"
BAD_CURSOR = "Kursor halaman tidak valid; gunakan nilai next_cursor dari jawaban sebelumnya."


def page_items(items: Sequence[dict], key: Callable[[dict], list], kinds: tuple[type, ...],
               args: dict) -> tuple[list[dict], str | None]:
    """A page of an already computed list ordered by `key` (JSON values of `kinds`, whose order is the list's
    order): the items after the cursor's key, `limit` of them."""
    limit = args.get("limit") or DEFAULT_LIMIT
    start = 0
    if args.get("cursor"):
        after = decode_cursor(args["cursor"], len(kinds))
        if not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(after, kinds)):
            raise field_error("cursor", BAD_CURSOR)
        start = next((i for i, item in enumerate(items) if list(key(item)) > after), len(items))
    page = list(items[start:start + limit])
    more = start + limit < len(items)
    return page, encode_cursor(list(key(page[-1]))) if more and page else None
