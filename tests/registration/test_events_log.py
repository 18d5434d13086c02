"""GET /api/v1/events: the outbox as the event log (sequenced rows only, in sequence order)."""
from retret_testing.http import assert_problem

URL = "/api/v1/events"


def relay():
    from registration.context import context
    return context.bus.relay()


def make_events(api, count_registrations=2):
    retreat = api.retreat(publish=True)
    for i in range(1, count_registrations + 1):
        api.register(retreat["id"], i)
    return retreat


def test_only_sequenced_events_are_listed(api, client, admin):
    make_events(api)
    assert client.get(URL, headers=admin).get_json() == {"items": [], "next_cursor": None, "next_after": None}
    assert relay() == 3
    items = client.get(URL, headers=admin).get_json()["items"]
    assert [e["sequence"] for e in items] == [1, 2, 3]
    assert [e["type"] for e in items] == ["retreat.published", "participant.invited", "participant.invited"]
    first = items[0]
    assert first["occurred_at"].endswith("+00:00") and first["data"]["status"] == "published"
    assert first["id"] and first["retreat_id"] and first["version"] == 1 and first["published_at"]
    assert items[1]["data"]["official"]["email"]  # the log is the admin's: complete data


def test_after_and_limit_page_through_the_log(api, client, admin):
    make_events(api, 4)
    relay()
    page = client.get(f"{URL}?limit=2", headers=admin).get_json()
    assert [e["sequence"] for e in page["items"]] == [1, 2] and page["next_after"] == 2
    page = client.get(f"{URL}?after=2&limit=2", headers=admin).get_json()
    assert [e["sequence"] for e in page["items"]] == [3, 4] and page["next_after"] == 4
    page = client.get(f"{URL}?after=4&limit=2", headers=admin).get_json()
    assert [e["sequence"] for e in page["items"]] == [5] and page["next_after"] is None
    assert client.get(f"{URL}?after=99", headers=admin).get_json()["items"] == []


def test_the_cursor_pages_through_the_log_like_any_list(api, client, admin):
    make_events(api, 4)
    relay()
    seen, cursor, pages = [], None, 0
    while True:
        page = client.get(URL, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=admin).get_json()
        seen += [e["sequence"] for e in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str) and page["next_after"] == seen[-1]
    assert (seen, pages) == ([1, 2, 3, 4, 5], 3)
    assert page["next_after"] is None


def test_a_cursor_and_after_lead_to_the_same_page(api, client, admin):
    make_events(api, 4)
    relay()
    first = client.get(f"{URL}?limit=3", headers=admin).get_json()
    by_cursor = client.get(URL, query_string={"cursor": first["next_cursor"]}, headers=admin).get_json()
    by_after = client.get(URL, query_string={"after": first["next_after"]}, headers=admin).get_json()
    assert [e["sequence"] for e in by_cursor["items"]] == [e["sequence"] for e in by_after["items"]] == [4, 5]


def test_bad_arguments_are_422(client, admin):
    for query, field in [("limit=0", "limit"), ("limit=501", "limit"), ("limit=x", "limit"), ("after=-1", "after"),
                         ("after=abc", "after"), ("after=" + "9" * 30, "after")]:
        assert_problem(client.get(f"{URL}?{query}", headers=admin), 422, field=field)


def test_a_bad_cursor_is_422_naming_cursor(client, admin):
    from retret.http.pagination import encode_cursor
    for cursor in ["not-a-cursor!", "x" * 501, encode_cursor(["2"]), encode_cursor([0]), encode_cursor([-3]),
                   encode_cursor([True]), encode_cursor([2**63]), encode_cursor([1.5]), encode_cursor([1, 2]),
                   encode_cursor({"sequence": 1})]:
        assert_problem(client.get(URL, query_string={"cursor": cursor}, headers=admin), 422, field="cursor")
    both = {"cursor": encode_cursor([2]), "after": 2}
    assert_problem(client.get(URL, query_string=both, headers=admin), 422, field="cursor")


def test_admin_only(client, operator, secretariat):
    assert_problem(client.get(URL), 401)
    assert_problem(client.get(URL, headers=operator), 403)
    assert_problem(client.get(URL, headers=secretariat), 403)
