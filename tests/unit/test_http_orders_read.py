"""Reading orders through the test client: history pages and cursors, one order, latest, summaries."""

import base64
from decimal import Decimal

import pytest
from api_field_names import ORDER_LIST_ITEM

from builders import UNKNOWN_ID

LIST_ITEM_FIELDS = ORDER_LIST_ITEM


def _ids(orders):
    return [order["id"] for order in orders]


def _record_series(api, workflow_id, count, *, step=60, direction=lambda n: "BUY"):
    """`count` orders placed `step` seconds apart (oldest first); returns them newest first."""
    recorded = [
        api.record_ok(
            workflow_id, placed_at=api.at(-step * (count - n)), order_code=f"C{n}", order_direction=direction(n)
        )
        for n in range(count)
    ]
    return list(reversed(recorded))


def _walk(api, workflow_id, limits, **filters):
    """Follow next_cursor from the first page, with the page limits given in turn (last one repeats)."""
    seen, cursor, pages = [], None, 0
    while True:
        limit = limits[min(pages, len(limits) - 1)]
        params = {**filters, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.history(workflow_id, **params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["orders"]) <= limit
        seen.extend(page["orders"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, pages
        assert pages < 200, "the cursor never ends"


# --- history -----------------------------------------------------------------------------------


def test_history_lists_orders_newest_first_with_the_contract_fields(api):
    workflow = api.create_workflow()
    middle = api.record_ok(workflow["id"], placed_at=api.at(-60))
    newest = api.record_ok(workflow["id"], placed_at=api.at())
    oldest = api.record_ok(workflow["id"], placed_at=api.at(-120))

    history = api.history(workflow["id"]).json()

    assert set(history) == {"workflow_id", "orders", "total_count", "limit", "next_cursor"}
    assert history["workflow_id"] == workflow["id"]
    assert _ids(history["orders"]) == [newest["id"], middle["id"], oldest["id"]]
    assert all(set(order) == LIST_ITEM_FIELDS for order in history["orders"])
    assert history["orders"][0] == {key: newest[key] for key in LIST_ITEM_FIELDS}
    assert (history["total_count"], history["limit"], history["next_cursor"]) == (3, 20, None)


def test_history_of_a_workflow_without_orders_is_an_empty_page(api):
    workflow = api.create_workflow()

    history = api.history(workflow["id"]).json()

    assert history == {
        "workflow_id": workflow["id"],
        "orders": [],
        "total_count": 0,
        "limit": 20,
        "next_cursor": None,
    }


def test_history_orders_same_second_ties_by_id_descending_every_time(api):
    workflow = api.create_workflow()
    ids = [
        "11111111-1111-4111-8111-111111111111",
        "33333333-3333-4333-8333-333333333333",
        "22222222-2222-4222-8222-222222222222",
    ]
    for order_id in ids:
        api.record_ok(workflow["id"], id=order_id, placed_at=api.at())

    first = _ids(api.history(workflow["id"]).json()["orders"])
    second = _ids(api.history(workflow["id"]).json()["orders"])

    assert first == second == sorted(ids, reverse=True)


def test_history_pages_hold_twenty_orders_by_default(api):
    workflow = api.create_workflow()
    newest_first = _record_series(api, workflow["id"], 25)

    page = api.history(workflow["id"]).json()

    assert page["limit"] == 20
    assert _ids(page["orders"]) == _ids(newest_first[:20])
    assert page["total_count"] == 25
    assert page["next_cursor"] is not None


def test_history_accepts_a_limit_of_one_hundred(api):
    workflow = api.create_workflow()
    _record_series(api, workflow["id"], 3)

    page = api.history(workflow["id"], limit=100).json()

    assert (page["limit"], len(page["orders"])) == (100, 3)


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5", ""])
def test_history_limit_outside_1_to_100_is_400(api, limit):
    workflow = api.create_workflow()

    response = api.history(workflow["id"], limit=limit)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("limits", [[1], [7], [3, 10, 2], [100], [12]])
def test_following_cursors_visits_every_order_exactly_once(api, limits):
    workflow = api.create_workflow()
    newest_first = _record_series(api, workflow["id"], 12, step=30)
    for n in range(3):  # three more in one second, to cross a tie on a page boundary
        newest_first.append(api.record_ok(workflow["id"], placed_at=api.at(-1000), order_code=f"T{n}"))
    expected = _ids(newest_first[:12]) + sorted(_ids(newest_first[12:]), reverse=True)

    seen, _pages = _walk(api, workflow["id"], limits)

    assert _ids(seen) == expected


def test_next_cursor_is_null_when_the_last_page_is_exactly_full(api):
    workflow = api.create_workflow()
    _record_series(api, workflow["id"], 10)

    seen, pages = _walk(api, workflow["id"], [5])

    assert (len(seen), pages) == (10, 2)


def test_a_cursor_walk_with_filters_visits_every_matching_order_once(api):
    workflow = api.create_workflow()
    newest_first = _record_series(api, workflow["id"], 20, direction=lambda n: "BUY" if n % 3 else "SELL")
    since, until = api.at(-60 * 18), api.at(-60 * 2)
    expected = [o["id"] for o in newest_first if o["order_direction"] == "BUY" and since <= o["placed_at"] <= until]

    seen, _pages = _walk(api, workflow["id"], [2, 4], direction="BUY", since=since, until=until)
    total = api.history(workflow["id"], direction="BUY", since=since, until=until).json()["total_count"]

    assert _ids(seen) == expected
    assert total == len(expected)


def _second_page_cursor(api, workflow_id, **filters):
    page = api.history(workflow_id, limit=2, **filters).json()
    assert page["next_cursor"] is not None
    return page["next_cursor"]


def test_a_cursor_used_with_another_workflow_is_400(api):
    one = api.create_workflow(name="One")
    two = api.create_workflow(name="Two")
    _record_series(api, one["id"], 3)
    _record_series(api, two["id"], 3)
    cursor = _second_page_cursor(api, one["id"])

    response = api.history(two["id"], limit=2, cursor=cursor)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ({}, {"direction": "BUY"}),
        ({"direction": "BUY"}, {"direction": "SELL"}),
        ({"direction": "BUY"}, {}),
        ({"since": "since"}, {}),
        ({}, {"until": "until"}),
        ({"since": "since"}, {"since": "until"}),
    ],
)
def test_a_cursor_used_with_other_filters_is_400(api, first, then):
    workflow = api.create_workflow()
    _record_series(api, workflow["id"], 5)
    instants = {"since": api.at(-600), "until": api.at()}
    first = {key: instants.get(value, value) for key, value in first.items()}
    then = {key: instants.get(value, value) for key, value in then.items()}
    cursor = _second_page_cursor(api, workflow["id"], **first)

    response = api.history(workflow["id"], limit=2, cursor=cursor, **then)

    assert response.status_code == 400


def test_a_cursor_with_the_same_filters_and_another_limit_is_accepted(api):
    workflow = api.create_workflow()
    _record_series(api, workflow["id"], 5)
    cursor = _second_page_cursor(api, workflow["id"], direction="BUY")

    response = api.history(workflow["id"], limit=50, cursor=cursor, direction="BUY")

    assert response.status_code == 200
    assert len(response.json()["orders"]) == 3


def _altered(cursor):
    payload, _, mac = cursor.partition(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[-3] = ord("0") if raw[-3] != ord("0") else ord("1")
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode() + "." + mac


@pytest.mark.parametrize(
    "alter",
    [
        _altered,
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),
        lambda c: c + "x",
        lambda c: c.split(".")[0],
        lambda c: "garbage",
        lambda c: "a.b",
        lambda c: c.replace(".", ".."),
        lambda c: "é" + c,
    ],
)
def test_an_altered_cursor_is_400(api, alter):
    workflow = api.create_workflow()
    _record_series(api, workflow["id"], 5)
    cursor = _second_page_cursor(api, workflow["id"])

    response = api.history(workflow["id"], limit=2, cursor=alter(cursor))

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


def test_since_and_until_are_inclusive_bounds(api):
    workflow = api.create_workflow()
    newest_first = _record_series(api, workflow["id"], 5)  # at -300, -240, -180, -120, -60

    page = api.history(workflow["id"], since=api.at(-240), until=api.at(-120)).json()

    assert _ids(page["orders"]) == _ids(newest_first[1:4])
    assert page["total_count"] == 3


def test_since_and_until_accept_offsets_and_fractional_seconds(api):
    workflow = api.create_workflow()
    newest_first = _record_series(api, workflow["id"], 3)  # at -180, -120, -60
    since = api.at(-120).replace("Z", ".000+00:00")

    page = api.history(workflow["id"], since=since).json()

    assert _ids(page["orders"]) == _ids(newest_first[:2])


def test_since_equal_to_until_selects_that_second(api):
    workflow = api.create_workflow()
    newest_first = _record_series(api, workflow["id"], 3)

    page = api.history(workflow["id"], since=api.at(-120), until=api.at(-120)).json()

    assert _ids(page["orders"]) == [newest_first[1]["id"]]


def test_since_after_until_is_400(api):
    workflow = api.create_workflow()

    response = api.history(workflow["id"], since=api.at(), until=api.at(-1))

    assert response.status_code == 400


@pytest.mark.parametrize("param", ["since", "until"])
@pytest.mark.parametrize("value", ["yesterday", "2026-02-22T14:30:00", "1771770600", ""])
def test_a_bound_that_is_not_rfc3339_with_an_offset_is_400(api, param, value):
    workflow = api.create_workflow()

    response = api.history(workflow["id"], **{param: value})

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [param]


@pytest.mark.parametrize("param", ["since", "until"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
def test_a_bound_outside_the_calendar_once_converted_to_utc_is_400(api, param, value):
    workflow = api.create_workflow()

    response = api.history(workflow["id"], **{param: value})

    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == [param]


@pytest.mark.parametrize("direction", ["BUY", "SELL"])
def test_history_filters_on_direction_and_counts_only_matches(api, direction):
    workflow = api.create_workflow()
    newest_first = _record_series(api, workflow["id"], 9, direction=lambda n: "SELL" if n % 3 == 0 else "BUY")
    expected = [o["id"] for o in newest_first if o["order_direction"] == direction]

    page = api.history(workflow["id"], direction=direction, limit=2).json()

    assert _ids(page["orders"]) == expected[:2]
    assert page["total_count"] == len(expected)


@pytest.mark.parametrize("direction", ["buy", "HOLD", ""])
def test_history_with_an_unknown_direction_is_400(api, direction):
    workflow = api.create_workflow()

    assert api.history(workflow["id"], direction=direction).status_code == 400


def test_history_total_count_counts_every_matching_order_not_just_the_page(api):
    workflow = api.create_workflow()
    _record_series(api, workflow["id"], 7)

    page = api.history(workflow["id"], limit=3).json()

    assert (len(page["orders"]), page["total_count"]) == (3, 7)


def test_a_deleted_workflows_orders_are_still_served(api):
    workflow = api.create_workflow()
    newest_first = _record_series(api, workflow["id"], 3)
    api.delete_workflow(workflow["id"])

    history = api.history(workflow["id"])
    filtered_out = api.history(workflow["id"], direction="SELL")

    assert history.status_code == 200
    assert _ids(history.json()["orders"]) == _ids(newest_first)
    assert filtered_out.status_code == 200
    assert filtered_out.json()["total_count"] == 0


@pytest.mark.parametrize("filters", [{}, {"direction": "BUY"}, {"since": "2026-01-01T00:00:00Z"}, {"limit": 5}])
def test_history_of_an_unknown_workflow_is_404_whatever_the_filters(api, filters):
    response = api.history(UNKNOWN_ID, **filters)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_history_of_a_deleted_workflow_without_orders_is_404(api):
    workflow = api.create_workflow()
    api.delete_workflow(workflow["id"])

    assert api.history(workflow["id"]).status_code == 404


def test_history_with_a_workflow_id_that_is_not_a_uuid_is_400(api):
    response = api.history("12345")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["workflow_id"]


def test_history_through_an_uppercase_workflow_id_is_served_in_lowercase(api):
    workflow = api.create_workflow()
    _record_series(api, workflow["id"], 3)
    cursor = _second_page_cursor(api, workflow["id"].upper())

    page = api.history(workflow["id"].upper(), limit=2, cursor=cursor).json()

    assert page["workflow_id"] == workflow["id"]
    assert len(page["orders"]) == 1


def test_an_orders_history_item_keeps_exact_decimals(api, parse_exact):
    workflow = api.create_workflow()
    api.record_ok(workflow["id"], order_price=Decimal("0.1"), order_quantity=Decimal("10.50"))

    [item] = parse_exact(api.history(workflow["id"]))["orders"]

    assert (item["order_price"], item["order_quantity"]) == (Decimal("0.1"), Decimal("10.5"))


# --- one order ---------------------------------------------------------------------------------


def test_getting_an_unknown_order_is_404(api):
    response = api.get(f"/v1/orders/{UNKNOWN_ID}")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("order_id", ["nope", "3f1c1b7e-8a2b-4c1d-9e2f", "3f1c1b7e8a2b4c1d9e2f0a1b2c3d4e5f"])
def test_getting_an_order_with_an_id_that_is_not_a_uuid_is_400(api, order_id):
    response = api.get(f"/v1/orders/{order_id}")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["order_id"]


def test_a_deleted_workflows_order_can_still_be_read_by_id(api):
    workflow = api.create_workflow()
    detail = api.record_ok(workflow["id"])
    api.delete_workflow(workflow["id"])

    response = api.get(f"/v1/orders/{detail['id']}")

    assert response.status_code == 200
    assert response.json()["id"] == detail["id"]


# --- latest ------------------------------------------------------------------------------------


def test_latest_shows_the_newest_order_of_each_workflow_newest_first(api):
    one = api.create_workflow(name="One")
    two = api.create_workflow(name="Two")
    three = api.create_workflow(name="Three")
    api.create_workflow(name="No orders")
    api.record_ok(one["id"], placed_at=api.at(-300))
    newest_of_one = api.record_ok(one["id"], placed_at=api.at(-100))
    newest_of_two = api.record_ok(two["id"], placed_at=api.at(-50))
    api.record_ok(two["id"], placed_at=api.at(-400))  # recorded later, placed earlier
    newest_of_three = api.record_ok(three["id"], placed_at=api.at(-200))

    latest = api.get("/v1/orders/latest").json()

    assert set(latest) == {"orders", "total_count", "limit"}
    assert _ids(latest["orders"]) == [newest_of_two["id"], newest_of_one["id"], newest_of_three["id"]]
    assert (latest["total_count"], latest["limit"]) == (3, 100)
    assert all(set(row) == {*LIST_ITEM_FIELDS, "workflow_name"} for row in latest["orders"])
    assert latest["orders"][0] == {
        **{key: newest_of_two[key] for key in LIST_ITEM_FIELDS},
        "workflow_name": "Two",
    }


def test_latest_is_empty_without_orders(api):
    api.create_workflow()

    assert api.get("/v1/orders/latest").json() == {"orders": [], "total_count": 0, "limit": 100}


def test_latest_includes_deleted_workflows(api):
    kept = api.create_workflow(name="Kept")
    gone = api.create_workflow(name="Gone")
    api.record_ok(kept["id"], placed_at=api.at(-10))
    gone_order = api.record_ok(gone["id"], placed_at=api.at())
    api.delete_workflow(gone["id"])

    latest = api.get("/v1/orders/latest").json()

    assert latest["orders"][0]["id"] == gone_order["id"]
    assert latest["orders"][0]["workflow_name"] == "Gone"
    assert latest["total_count"] == 2


def test_latest_limit_cuts_rows_but_total_count_counts_them_all(api):
    for n in range(4):
        workflow = api.create_workflow(name=f"W{n}")
        api.record_ok(workflow["id"], placed_at=api.at(n))

    latest = api.get("/v1/orders/latest", params={"limit": 2}).json()

    assert [row["workflow_name"] for row in latest["orders"]] == ["W3", "W2"]
    assert (latest["total_count"], latest["limit"]) == (4, 2)


@pytest.mark.parametrize("limit", ["0", "101", "x"])
def test_latest_limit_outside_1_to_100_is_400(api, limit):
    assert api.get("/v1/orders/latest", params={"limit": limit}).status_code == 400


def test_latest_direction_filters_after_picking_each_workflows_newest_order(api):
    flipped = api.create_workflow(name="Flipped")
    buyer = api.create_workflow(name="Buyer")
    api.record_ok(flipped["id"], placed_at=api.at(-100), order_direction="BUY")
    api.record_ok(flipped["id"], placed_at=api.at(), order_direction="SELL")
    buyer_order = api.record_ok(buyer["id"], placed_at=api.at(-50), order_direction="BUY")

    buys = api.get("/v1/orders/latest", params={"direction": "BUY"}).json()
    sells = api.get("/v1/orders/latest", params={"direction": "SELL"}).json()

    assert _ids(buys["orders"]) == [buyer_order["id"]]
    assert buys["total_count"] == 1
    assert [row["workflow_name"] for row in sells["orders"]] == ["Flipped"]


def test_latest_with_an_unknown_direction_is_400(api):
    assert api.get("/v1/orders/latest", params={"direction": "sell"}).status_code == 400


def test_latest_shows_the_workflow_name_captured_on_the_order(api, workflow_body):
    workflow = api.create_workflow(name="Before rename")
    api.record_ok(workflow["id"], placed_at=api.at())

    api.send("PUT", f"/v1/workflows/{workflow['id']}", workflow_body(name="After rename"))

    [row] = api.get("/v1/orders/latest").json()["orders"]
    assert row["workflow_name"] == "Before rename"


def test_latest_breaks_same_second_ties_like_history(api):
    one = api.create_workflow(name="One")
    two = api.create_workflow(name="Two")
    low, high = "11111111-1111-4111-8111-111111111111", "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee"
    api.record_ok(one["id"], id=low, placed_at=api.at())
    api.record_ok(two["id"], id=high, placed_at=api.at())
    three = api.create_workflow(name="Three")
    api.record_ok(three["id"], id="22222222-2222-4222-8222-222222222222", placed_at=api.at(-5))
    api.record_ok(three["id"], id="dddddddd-dddd-4ddd-8ddd-dddddddddddd", placed_at=api.at(-5))
    history_tie = _ids(api.history(three["id"]).json()["orders"])

    latest = _ids(api.get("/v1/orders/latest").json()["orders"])

    history_puts_higher_id_first = history_tie[0] > history_tie[1]
    assert latest[:2] == ([high, low] if history_puts_higher_id_first else [low, high])


# --- summaries on workflow reads ---------------------------------------------------------------


def test_workflow_detail_summarises_its_orders(api, parse_exact):
    workflow = api.create_workflow()
    api.record_ok(workflow["id"], placed_at=api.at(-10), order_direction="BUY")
    api.record_ok(
        workflow["id"],
        placed_at=api.at(),
        order_direction="SELL",
        order_price=Decimal("7851.75"),
        order_quantity=Decimal("2.50"),
    )
    api.record_ok(workflow["id"], placed_at=api.at(-20), order_direction="BUY")  # recorded last, older

    summary = parse_exact(api.get(f"/v1/workflows/{workflow['id']}"))["order_summary"]

    assert summary == {
        "total_count": 3,
        "last_order_timestamp": api.at(),
        "last_order_direction": "SELL",
        "last_order_price": Decimal("7851.75"),
        "last_order_quantity": Decimal("2.5"),
    }


def test_the_summary_survives_a_replace(api, workflow_body):
    workflow = api.create_workflow()
    api.record_ok(workflow["id"], placed_at=api.at())

    replaced = api.send("PUT", f"/v1/workflows/{workflow['id']}", workflow_body(name="Replaced")).json()

    assert replaced["order_summary"]["total_count"] == 1
    assert replaced["order_summary"]["last_order_timestamp"] == api.at()


def test_workflow_list_items_show_their_newest_order(api, parse_exact):
    busy = api.create_workflow(name="Busy")
    api.create_workflow(name="Idle")
    api.record_ok(busy["id"], placed_at=api.at(-60), order_direction="BUY")
    api.record_ok(busy["id"], placed_at=api.at(), order_direction="SELL", order_quantity=Decimal("3.0"))

    items = {item["name"]: item for item in parse_exact(api.get("/v1/workflows"))["workflows"]}

    assert (
        items["Busy"]["last_order_timestamp"],
        items["Busy"]["last_order_direction"],
        items["Busy"]["last_order_quantity"],
    ) == (api.at(), "SELL", 3)
    assert (
        items["Idle"]["last_order_timestamp"],
        items["Idle"]["last_order_direction"],
        items["Idle"]["last_order_quantity"],
    ) == (None, None, None)
