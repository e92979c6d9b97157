"""Both clients, method by method, against the service's own app (in this process, on a SQLite file)."""

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from client_helpers import READ_TOKEN, Driver, order_fields, workflow_request
from workflow_orders_client import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
    WorkflowDetail,
    WorkflowOrderDetail,
    digest_of,
)

PRICE_23_DIGITS = Decimal("123456.12345678901234567")


def test_a_workflow_is_created_read_replaced_listed_and_deleted(api: Driver) -> None:
    created: WorkflowDetail = api("create_workflow", workflow_request(enable=False))
    assert api("get_workflow", created.id) == created
    assert created.order_summary.total_count == 0

    replaced = api("replace_workflow", created.id, workflow_request(created.name, enable=True, is_us=True))
    assert (replaced.id, replaced.created_at, replaced.is_us) == (created.id, created.created_at, True)
    assert created.id in {item.id for item in api("list_workflows", enable=True).workflows}
    assert created.id not in {item.id for item in api("list_workflows", enable=False).workflows}

    api("delete_workflow", created.id)
    with pytest.raises(NotFound) as raised:
        api("get_workflow", created.id)
    assert raised.value.problem.title == "Workflow not found"


def test_a_23_digit_price_comes_back_with_every_digit(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    recorded = api("record_order", workflow.id, **order_fields(order_price=PRICE_23_DIGITS, trigger_close=Decimal(0)))
    assert recorded.created
    read: WorkflowOrderDetail = api("get_order", recorded.order.id)
    assert read == recorded.order
    assert str(read.order_price) == "123456.12345678901234567"
    assert read.trigger_close == 0  # 0 is a value, kept
    assert api("get_workflow", workflow.id).order_summary.last_order_price == PRICE_23_DIGITS


def test_an_order_without_id_gets_one_and_optional_fields_come_back_as_sent(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    placed_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    fields = order_fields(asset_type="CfdOnIndex", execution_context="zone h1", placed_at=placed_at)
    order = api("record_order", workflow.id, **fields).order
    assert uuid.UUID(order.id).version == 4
    assert (order.asset_type, order.execution_context, order.placed_at) == ("CfdOnIndex", "zone h1", placed_at)
    assert order.expires_at == placed_at + timedelta(days=7)
    assert order.workflow_name == workflow.name


def test_an_order_carries_the_dry_run_its_workflow_had_when_it_was_recorded(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request(dry_run=True))
    paper = api("record_order", workflow.id, **order_fields(placed_at=datetime.now(UTC) - timedelta(seconds=5))).order
    api("replace_workflow", workflow.id, workflow_request(workflow.name, dry_run=False))
    real = api("record_order", workflow.id, **order_fields()).order

    assert (paper.dry_run, real.dry_run) == (True, False)
    assert api("get_order", paper.id).dry_run is True
    assert [order.dry_run for order in api.collect("iter_history", workflow.id)] == [False, True]


def test_recording_again_with_the_same_id_answers_the_stored_order_and_other_content_is_a_conflict(
    api: Driver,
) -> None:
    workflow = api("create_workflow", workflow_request())
    order_id = str(uuid.uuid4())
    first = api("record_order", workflow.id, **order_fields(id=order_id))
    again = api("record_order", workflow.id, **order_fields(id=order_id, order_price=Decimal("7850.250")))
    assert (first.created, again.created) == (True, False)
    assert again.order == first.order
    with pytest.raises(Conflict) as raised:
        api("record_order", workflow.id, **order_fields(id=order_id, order_quantity=Decimal(11)))
    assert raised.value.problem.title == "Order id already used"
    assert raised.value.request_id


def test_iter_history_follows_the_cursors_to_the_last_page(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    for minute in range(5):
        direction = "BUY" if minute % 2 == 0 else "SELL"
        api(
            "record_order",
            workflow.id,
            **order_fields(placed_at=start + timedelta(minutes=minute), order_direction=direction),
        )

    first = api("history_page", workflow.id, limit=2)
    assert (len(first.orders), first.total_count, first.limit) == (2, 5, 2)
    second = api("history_page", workflow.id, limit=2, cursor=first.next_cursor)
    assert second.orders[0].placed_at < first.orders[-1].placed_at

    walked = api.collect("iter_history", workflow.id, limit=2)
    assert [order.placed_at for order in walked] == [start + timedelta(minutes=m) for m in (4, 3, 2, 1, 0)]
    sells = api.collect("iter_history", workflow.id, limit=1, direction="SELL")
    assert [order.order_direction for order in sells] == ["SELL", "SELL"]


def test_history_bounds_are_sent_as_rfc_3339_with_their_offset(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    for minute in (0, 30, 60):
        api("record_order", workflow.id, **order_fields(placed_at=start + timedelta(minutes=minute)))
    paris = timezone(timedelta(hours=1))
    page = api(
        "history_page",
        workflow.id,
        since=(start + timedelta(minutes=30)).astimezone(paris),
        until=start + timedelta(hours=1),
    )
    assert [order.placed_at for order in page.orders] == [start + timedelta(minutes=60), start + timedelta(minutes=30)]


def test_latest_orders_gives_the_newest_order_of_each_workflow(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    now = datetime.now(UTC).replace(microsecond=0)
    api("record_order", workflow.id, **order_fields(placed_at=now - timedelta(seconds=2), order_direction="BUY"))
    newest = api(
        "record_order", workflow.id, **order_fields(placed_at=now - timedelta(seconds=1), order_direction="SELL")
    )
    latest = api("latest_orders", limit=100, direction="SELL")
    mine = [item for item in latest.orders if item.workflow_id == workflow.id]
    assert [(item.id, item.workflow_name) for item in mine] == [(newest.order.id, workflow.name)]
    assert workflow.id not in {item.workflow_id for item in api("latest_orders", direction="BUY").orders}


def test_invalid_input_lists_every_invalid_field(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    with pytest.raises(InvalidInput) as raised:
        api("record_order", workflow.id, **order_fields(order_price=Decimal(0), order_quantity=Decimal(-1)))
    assert {error.field for error in raised.value.errors} == {"order_price", "order_quantity"}
    assert raised.value.status == 400


def test_a_cursor_of_other_filters_is_invalid_input(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    for _ in range(2):
        api("record_order", workflow.id, **order_fields())
    cursor = api("history_page", workflow.id, limit=1).next_cursor
    with pytest.raises(InvalidInput) as raised:
        api("history_page", workflow.id, limit=1, cursor=cursor, direction="SELL")
    assert raised.value.problem.title == "Invalid cursor"


@pytest.mark.parametrize(
    ("token", "error"), [("no-such-token", Unauthorized), (READ_TOKEN, Forbidden)], ids=["unknown", "read"]
)
def test_a_write_without_a_write_token_is_refused(drivers: Any, token: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        drivers(token)("create_workflow", workflow_request())


def test_a_read_token_reads(drivers: Any, api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    assert drivers(READ_TOKEN)("get_workflow", workflow.id).name == workflow.name


def test_a_taken_workflow_name_is_a_conflict(api: Driver) -> None:
    workflow = api("create_workflow", workflow_request())
    with pytest.raises(Conflict):
        api("create_workflow", workflow_request(workflow.name))


def test_an_unknown_order_is_not_found(api: Driver) -> None:
    with pytest.raises(NotFound):
        api("get_order", str(uuid.uuid4()))


def test_a_window_across_workflows_is_listed_walked_and_summed_up_with_its_digest(api: Driver) -> None:
    first, second = api("create_workflow", workflow_request()), api("create_workflow", workflow_request())
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    recorded = [
        api("record_order", workflow.id, **order_fields(placed_at=start + timedelta(minutes=n), order_direction=d))
        for n, (workflow, d) in enumerate([(first, "BUY"), (second, "SELL"), (first, "BUY"), (second, "BUY")])
    ]
    mine = [first.id, second.id]
    newest_first = [r.order.id for r in reversed(recorded)]

    page = api("list_orders", workflow_id=mine, since=start, limit=3)
    walked = api.collect("iter_orders", workflow_id=mine, since=start, until=start + timedelta(hours=1), limit=1)
    sells = api.collect("iter_orders", workflow_id=mine, day=start.date(), tz="UTC", direction="SELL")
    summary = api("order_summary", workflow_id=mine, since=start)

    assert [order.id for order in page.orders] == newest_first[:3]
    assert page.next_cursor is not None
    assert [order.id for order in walked] == newest_first
    assert [order.id for order in sells] == [recorded[1].order.id]
    assert summary.count == 4
    assert summary.digest == digest_of(order.id for order in walked)
    first_buys = next(g for g in summary.groups if (g.workflow_id, g.order_direction) == (first.id, "BUY"))
    assert (first_buys.count, first_buys.volume) == (2, 2 * recorded[0].order.order_price * Decimal(10))
    assert (first_buys.first_placed_at, first_buys.last_placed_at) == (start, start + timedelta(minutes=2))


def test_a_window_with_both_day_and_since_is_invalid_input(api: Driver) -> None:
    with pytest.raises(InvalidInput) as raised:
        api("list_orders", day="2026-03-29", since=datetime.now(UTC))
    assert [error.field for error in raised.value.problem.errors or []] == ["since"]


def test_digest_of_is_the_sha_256_of_the_sorted_ids_one_per_line() -> None:
    assert digest_of(["b", "a"]) == "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2"
    assert digest_of([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
