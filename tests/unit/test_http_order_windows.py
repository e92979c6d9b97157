"""Orders across workflows through the test client: GET /v1/orders and GET /v1/orders/summary."""

import hashlib
from decimal import Context, Decimal, localcontext

import pytest


def _ids(orders):
    return [order["id"] for order in orders]


def _window(api, **params):
    response = api.get("/v1/orders", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_orders_of_every_workflow_come_newest_first_with_their_workflow_names(api):
    first, second = api.create_workflow(name="First"), api.create_workflow(name="Second")
    older = api.record_ok(first["id"], placed_at=api.at(-60))
    newer = api.record_ok(second["id"], placed_at=api.at(0))

    page = _window(api)

    assert _ids(page["orders"]) == [newer["id"], older["id"]]
    assert [order["workflow_name"] for order in page["orders"]] == ["Second", "First"]
    assert page["orders"][0] == newer
    assert (page["limit"], page["next_cursor"]) == (20, None)


def test_a_cursor_walks_a_filtered_window_and_is_refused_with_another_one(api):
    mine, other = api.create_workflow(name="Mine"), api.create_workflow(name="Other")
    recorded = [api.record_ok(mine["id"], placed_at=api.at(-n), order_code="FRA40.I") for n in range(5)]
    api.record_ok(other["id"], placed_at=api.at(-2))
    api.record_ok(mine["id"], placed_at=api.at(-3), order_code="US500")
    params = {"workflow_id": mine["id"], "order_code": "FRA40.I", "since": api.at(-100), "limit": 2}

    seen, cursor = [], None
    while True:
        page = _window(api, **params, **({"cursor": cursor} if cursor else {}))
        seen += _ids(page["orders"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    refused = api.get("/v1/orders", params={**params, "order_code": "US500", "cursor": page_cursor(api, params)})

    assert seen == [order["id"] for order in recorded]
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "cursor"


def page_cursor(api, params):
    cursor = _window(api, **params)["next_cursor"]
    assert cursor is not None
    return cursor


def test_workflow_id_and_order_code_repeat_and_combine(api):
    first, second, third = (api.create_workflow(name=name) for name in ("A", "B", "C"))
    a = api.record_ok(first["id"], order_code="X", placed_at=api.at(-1))
    b = api.record_ok(second["id"], order_code="Y", placed_at=api.at(-2))
    api.record_ok(second["id"], order_code="Z", placed_at=api.at(-3))
    api.record_ok(third["id"], order_code="X", placed_at=api.at(-4))

    page = _window(api, workflow_id=[first["id"].upper(), second["id"]], order_code=["X", "Y"])

    assert _ids(page["orders"]) == [a["id"], b["id"]]


def test_a_day_in_a_time_zone_runs_from_local_midnight_to_the_next(clocked_api, clock):
    # 2026-03-29 in Paris is 23 hours long: 2026-03-28T23:00Z to 2026-03-29T21:59:59Z.
    clock.set(1_774_828_800)  # 2026-03-30T00:00:00Z
    api = clocked_api
    workflow = api.create_workflow()
    at = {
        name: api.record_ok(workflow["id"], placed_at=instant)["id"]
        for name, instant in (
            ("before", "2026-03-28T22:59:59Z"),
            ("first", "2026-03-28T23:00:00Z"),
            ("last", "2026-03-29T21:59:59Z"),
            ("after", "2026-03-29T22:00:00Z"),
        )
    }

    page = _window(api, day="2026-03-29", tz="Europe/Paris")
    summary = api.get("/v1/orders/summary", params={"day": "2026-03-29", "tz": "Europe/Paris"}).json()

    assert _ids(page["orders"]) == [at["last"], at["first"]]
    assert (summary["since"], summary["until"], summary["count"]) == (
        "2026-03-28T23:00:00Z",
        "2026-03-29T21:59:59Z",
        2,
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"day": "2026-03-29", "since": "2026-03-29T00:00:00Z"}, "since"),
        ({"day": "2026-02-30"}, "day"),
        ({"day": "29/03/2026"}, "day"),
        ({"day": "2026-03-29", "tz": "Europe/Atlantis"}, "tz"),
        ({"day": "2026-03-29", "tz": "../../etc/passwd"}, "tz"),
        ({"tz": "Europe/Paris"}, "tz"),
        ({"since": "2026-03-29T00:00:01Z", "until": "2026-03-29T00:00:00Z"}, "since"),
        ({"workflow_id": "not-a-uuid"}, "workflow_id"),
        ({"workflow_id": [f"{n:08d}-0000-4000-8000-000000000000" for n in range(51)]}, "workflow_id"),
        ({"order_code": ""}, "order_code"),
        ({"direction": "SIDEWAYS"}, "direction"),
        ({"limit": "101"}, "limit"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/orders", "/v1/orders/summary"])
def test_invalid_window_parameters_are_a_400_naming_the_parameter(api, path, params, field):
    if path.endswith("summary") and field == "limit":
        field = "limit"  # not a parameter of the summary: refused as undeclared
    response = api.get(path, params=params)

    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in response.json()["errors"]]


def test_the_summary_groups_by_workflow_and_direction_with_exact_volumes_and_the_digest(api):
    first, second = api.create_workflow(name="First"), api.create_workflow(name="Second")
    big_price = Decimal("12345678901234567890123")  # 23 digits
    fine_quantity = Decimal("0." + "1" * 37 + "3")  # 38 significant digits after the point
    orders = [
        api.record_ok(first["id"], placed_at=api.at(-30), order_price=big_price, order_quantity=fine_quantity),
        api.record_ok(first["id"], placed_at=api.at(-10), order_price=Decimal("2.5"), order_quantity=Decimal(4)),
        api.record_ok(first["id"], placed_at=api.at(-20), order_direction="SELL"),
        api.record_ok(second["id"], placed_at=api.at(-5)),
    ]

    response = api.get("/v1/orders/summary", params={"since": api.at(-60)})
    summary = response.json(parse_float=Decimal)

    ids = sorted(order["id"] for order in orders)
    assert summary["count"] == 4
    assert summary["digest"] == hashlib.sha256("".join(f"{i}\n" for i in ids).encode()).hexdigest()
    first_buy = next(
        group for group in summary["groups"] if (group["workflow_id"], group["order_direction"]) == (first["id"], "BUY")
    )
    assert first_buy["count"] == 2
    with localcontext(Context(prec=100)):
        exact = big_price * fine_quantity + 10
    assert first_buy["volume"] == exact
    assert len(str(exact).replace(".", "")) > 38  # 23-digit price x 38-digit quantity: no digit lost
    assert (first_buy["first_placed_at"], first_buy["last_placed_at"]) == (api.at(-30), api.at(-10))
    assert first_buy["workflow_name"] == "First"
    assert sorted((g["workflow_id"], g["order_direction"]) for g in summary["groups"]) == sorted(
        [(first["id"], "BUY"), (first["id"], "SELL"), (second["id"], "BUY")]
    )


def test_window_reads_answer_304_to_a_current_tag_and_200_after_a_new_order(api):
    workflow = api.create_workflow()
    api.record_ok(workflow["id"])
    for path in ("/v1/orders", "/v1/orders/summary"):
        tag = api.get(path).headers["ETag"]
        assert api.get(path, headers={"If-None-Match": tag}).status_code == 304
    tags = {path: api.get(path).headers["ETag"] for path in ("/v1/orders", "/v1/orders/summary")}

    api.record_ok(workflow["id"], placed_at=api.at(-7))

    for path, tag in tags.items():
        assert api.get(path, headers={"If-None-Match": tag}).status_code == 200


def test_a_deleted_workflows_visible_orders_stay_in_the_window_with_their_captured_name(api):
    workflow = api.create_workflow(name="Gone soon")
    order = api.record_ok(workflow["id"])
    api.delete_workflow(workflow["id"])

    page = _window(api)

    assert [(o["id"], o["workflow_name"]) for o in page["orders"]] == [(order["id"], "Gone soon")]


def test_metrics_label_the_window_reads_by_their_route_templates(api):
    workflow = api.create_workflow()
    api.get("/v1/orders", params={"workflow_id": workflow["id"], "order_code": ["A", "B"]})
    api.get("/v1/orders/summary", params={"day": "2026-03-29", "tz": "Europe/Paris"})

    metrics = api.get("/metrics").text

    assert 'http_requests_total{method="GET",route="/v1/orders",status="200"} 1.0' in metrics
    assert 'http_requests_total{method="GET",route="/v1/orders/summary",status="200"} 1.0' in metrics
    assert 'storage_calls_total{operation="orders.window",outcome="ok"} 2.0' in metrics


def test_the_window_reads_answer_decimals_as_strings_when_asked_with_tags_of_their_own(api):
    workflow = api.create_workflow()
    api.record_ok(workflow["id"], order_price=Decimal("12345678901234567890123"), order_quantity=Decimal("0.5"))
    strings = {"accept": "application/json; decimals=string"}

    numbers = api.get("/v1/orders/summary")
    texts = api.get("/v1/orders/summary", headers=strings)
    page = api.get("/v1/orders", headers=strings)

    assert texts.json()["groups"][0]["volume"] == "6172839450617283945061.5"
    assert page.json()["orders"][0]["order_price"] == "12345678901234567890123"
    assert texts.headers["ETag"] != numbers.headers["ETag"]


def test_dry_run_keeps_real_or_rehearsed_orders_and_splits_the_summary(api):
    live, rehearsal = api.create_workflow(name="Live"), api.create_workflow(name="Rehearsal", dry_run=True)
    real = api.record_ok(live["id"], placed_at=api.at(-20))
    rehearsed = api.record_ok(rehearsal["id"], placed_at=api.at(-10))

    dry = _window(api, dry_run="true")
    not_dry = _window(api, dry_run="false")
    summary = api.get("/v1/orders/summary").json()
    refused = api.get("/v1/orders", params={"dry_run": "maybe"})

    assert _ids(dry["orders"]) == [rehearsed["id"]]
    assert _ids(not_dry["orders"]) == [real["id"]]
    assert sorted((group["workflow_name"], group["dry_run"]) for group in summary["groups"]) == [
        ("Live", False),
        ("Rehearsal", True),
    ]
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "dry_run", "message": "must be one of true, false"}]
