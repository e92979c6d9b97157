"""Expiry and time limits through HTTP, with the service's clock replaced by a fixed one."""

from builders import ORDER_ID, iso

RETENTION = 604_800
FUTURE_TOLERANCE = 300


def test_an_order_is_visible_until_the_second_it_expires(clocked_api, clock):
    workflow = clocked_api.create_workflow()
    placed = clock.now() - 100
    order = clocked_api.record_ok(workflow["id"], placed_at=iso(placed))
    assert order["expires_at"] == iso(placed + RETENTION)

    clock.set(placed + RETENTION - 1)
    visible = clocked_api.get(f"/v1/orders/{order['id']}")
    clock.set(placed + RETENTION)
    expired = clocked_api.get(f"/v1/orders/{order['id']}")

    assert visible.status_code == 200
    assert expired.status_code == 404


def test_expired_orders_are_never_returned_nor_counted(clocked_api, clock):
    workflow = clocked_api.create_workflow(name="Aging")
    now = clock.now()
    old = clocked_api.record_ok(workflow["id"], placed_at=iso(now - 3000), order_direction="SELL")
    young = clocked_api.record_ok(workflow["id"], placed_at=iso(now - 1000), order_direction="BUY")

    clock.set(now - 3000 + RETENTION)  # the old order has just expired, the young one has not

    history = clocked_api.history(workflow["id"]).json()
    sells = clocked_api.history(workflow["id"], direction="SELL").json()
    summary = clocked_api.get(f"/v1/workflows/{workflow['id']}").json()["order_summary"]
    [listed] = clocked_api.get("/v1/workflows").json()["workflows"]
    latest = clocked_api.get("/v1/orders/latest").json()
    assert [o["id"] for o in history["orders"]] == [young["id"]]
    assert history["total_count"] == 1
    assert (sells["orders"], sells["total_count"]) == ([], 0)
    assert (summary["total_count"], summary["last_order_direction"]) == (1, "BUY")
    assert listed["last_order_timestamp"] == young["placed_at"]
    assert [row["id"] for row in latest["orders"]] == [young["id"]]
    assert clocked_api.get(f"/v1/orders/{old['id']}").status_code == 404


def test_once_every_order_expired_the_workflow_shows_no_last_order(clocked_api, clock):
    workflow = clocked_api.create_workflow()
    placed = clock.now() - 10
    clocked_api.record_ok(workflow["id"], placed_at=iso(placed))

    clock.set(placed + RETENTION)

    summary = clocked_api.get(f"/v1/workflows/{workflow['id']}").json()["order_summary"]
    [listed] = clocked_api.get("/v1/workflows").json()["workflows"]
    latest = clocked_api.get("/v1/orders/latest").json()
    assert summary == {
        "total_count": 0,
        "last_order_timestamp": None,
        "last_order_direction": None,
        "last_order_price": None,
        "last_order_quantity": None,
    }
    assert (listed["last_order_timestamp"], listed["last_order_direction"], listed["last_order_quantity"]) == (
        None,
        None,
        None,
    )
    assert latest == {"orders": [], "total_count": 0, "limit": 100}


def test_a_deleted_workflow_whose_orders_all_expired_has_no_history(clocked_api, clock):
    workflow = clocked_api.create_workflow()
    placed = clock.now() - 10
    clocked_api.record_ok(workflow["id"], placed_at=iso(placed))
    clocked_api.delete_workflow(workflow["id"])
    assert clocked_api.history(workflow["id"]).status_code == 200

    clock.set(placed + RETENTION)

    assert clocked_api.history(workflow["id"]).status_code == 404


def test_placed_at_is_refused_from_the_second_it_would_already_be_expired(clocked_api, clock):
    workflow = clocked_api.create_workflow()
    now = clock.now()

    expired = clocked_api.record(workflow["id"], placed_at=iso(now - RETENTION))
    last_second = clocked_api.record(workflow["id"], placed_at=iso(now - RETENTION + 1))

    assert expired.status_code == 400
    assert last_second.status_code == 201


def test_placed_at_may_be_at_most_five_minutes_ahead(clocked_api, clock):
    workflow = clocked_api.create_workflow()
    now = clock.now()

    at_limit = clocked_api.record(workflow["id"], placed_at=iso(now + FUTURE_TOLERANCE))
    beyond = clocked_api.record(workflow["id"], placed_at=iso(now + FUTURE_TOLERANCE + 1))

    assert at_limit.status_code == 201
    assert beyond.status_code == 400


def test_an_order_without_placed_at_is_placed_at_the_service_clock(clocked_api, clock):
    workflow = clocked_api.create_workflow()

    order = clocked_api.record_ok(workflow["id"])

    assert (order["placed_at"], order["expires_at"]) == (iso(clock.now()), iso(clock.now() + RETENTION))


def test_replacing_a_workflow_moves_updated_at_to_the_clock_and_keeps_created_at(clocked_api, clock, workflow_body):
    created = clocked_api.create_workflow()
    assert created["created_at"] == created["updated_at"] == iso(clock.now())

    clock.advance(90)
    replaced = clocked_api.send("PUT", f"/v1/workflows/{created['id']}", workflow_body(cfd="X")).json()

    assert replaced["created_at"] == created["created_at"]
    assert replaced["updated_at"] == iso(clock.now())


def test_a_replay_of_an_expired_order_is_409(clocked_api, clock):
    workflow = clocked_api.create_workflow()
    placed = clock.now() - 10
    clocked_api.record_ok(workflow["id"], id=ORDER_ID, placed_at=iso(placed))

    clock.set(placed + RETENTION)
    response = clocked_api.record(workflow["id"], id=ORDER_ID)

    assert response.status_code == 409
