"""Consumer pact of `orders-dashboard`, a reader: the lists, pages and orders it shows, and the problems
it handles. The asyncio client is driven against pact's mock service."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pact import Pact, generate, match

from pact_support import bearer, instant, json_answer, mock_service, new_pact, nullable, problem, uuid
from workflow_orders_client import NO_RETRIES, AsyncWorkflowOrdersClient, InvalidInput, NotFound

HISTORY_WORKFLOW = {"workflow_id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "workflow_name": "Dashboard breakout"}
ORDER_WORKFLOW = {"workflow_id": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a", "workflow_name": "Dashboard one order"}
HISTORY_ID = HISTORY_WORKFLOW["workflow_id"]
ORDER_ID = "e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c5b"
MISSING_ORDER_ID = "f0e1d2c3-b4a5-4f6e-8d7c-9b0a1f2e3d4c"
CURSOR_EXAMPLE = "WzE3NzE3NjYxMDAsImE5In0.c2lnbmF0dXJl"
WITH_ORDERS = "workflow exists with orders"

LIST_ITEM = {
    "id": uuid(HISTORY_ID),
    "workflow_id": uuid(HISTORY_ID),
    "placed_at": instant(),
    "order_code": match.type("FRA40.I"),
    "order_price": match.number(7850.25),
    "order_quantity": match.number(10),
    "order_direction": match.regex("BUY", regex=r"^(BUY|SELL)$"),
    "dry_run": match.bool(False),
}


@pytest.fixture
def pact() -> Pact:
    return new_pact("orders-dashboard")


@pytest.fixture
async def dashboard(pact: Pact, pact_dir: Path) -> AsyncIterator[AsyncWorkflowOrdersClient]:
    """The reader's client, on pact's mock service, after the test declared its interactions."""
    with mock_service(pact, pact_dir) as url:
        async with AsyncWorkflowOrdersClient(url, token="dashboard", retry=NO_RETRIES) as client:
            yield client


def _getting(pact: Pact, description: str, path: str, **query: Any) -> Any:
    interaction = pact.upon_receiving(description).with_request("GET", path).with_header("Authorization", bearer())
    for name, value in query.items():
        interaction.with_query_parameter(name, value)
    return interaction


@pytest.fixture
def list_interaction(pact: Pact) -> None:
    item = {
        "id": uuid(HISTORY_ID),
        "name": match.type("Dashboard breakout"),
        "index": match.type("DAX.I"),
        "cfd": match.type("GER40.I"),
        "enable": match.bool(True),
        "dry_run": match.bool(False),
        "is_us": match.bool(False),
        "end_date": None,
        "primary_indicator": "zone",
        "primary_unit_time": "h1",
        "created_at": instant(),
        "updated_at": instant(),
        "last_order_timestamp": "2026-02-22T14:30:00Z",
        "last_order_direction": "BUY",
        "last_order_quantity": 10,
    }
    item_rules = {
        "end_date": {"match": "regex", "regex": r"^\d{4}-\d{2}-\d{2}$"},
        "primary_indicator": {"match": "type"},
        "primary_unit_time": {"match": "type"},
        "last_order_timestamp": {"match": "regex", "regex": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"},
        "last_order_direction": {"match": "regex", "regex": r"^(BUY|SELL)$"},
        "last_order_quantity": {"match": "number"},
    }
    (
        _getting(pact, "a request for the list of workflows", "/v1/workflows")
        .given(WITH_ORDERS, {**HISTORY_WORKFLOW, "order_count": 3})
        .will_respond_with(200)
        .with_header("Content-Type", json_answer())
        .with_body({"workflows": match.each_like(item, min=1), "total_count": match.int(1)})
        .with_matching_rules(nullable({f"$.workflows[*].{name}": rule for name, rule in item_rules.items()}))
    )


@pytest.mark.usefixtures("list_interaction")
async def test_the_list_of_workflows_is_read(dashboard: AsyncWorkflowOrdersClient) -> None:
    listed = await dashboard.list_workflows()
    assert listed.total_count == len(listed.workflows) == 1
    assert listed.workflows[0].last_order_quantity == Decimal(10)


@pytest.fixture
def workflow_interaction(pact: Pact) -> None:
    condition = {
        "indicator": {"name": "zone", "ut": "h1", "value": 18250.5, "zone_value": 25},
        "close": {"direction": "above", "ut": "15m", "spread": 0.5},
        "element": "close",
    }
    summary = {
        "total_count": match.int(3),
        "last_order_timestamp": instant(),
        "last_order_direction": match.regex("BUY", regex=r"^(BUY|SELL)$"),
        "last_order_price": match.number(7850.25),
        "last_order_quantity": match.number(10),
    }
    (
        _getting(pact, "a request for one workflow with its order summary", f"/v1/workflows/{HISTORY_ID}")
        .given(WITH_ORDERS, {**HISTORY_WORKFLOW, "order_count": 3})
        .will_respond_with(200)
        .with_header("Content-Type", json_answer())
        .with_body(
            {
                "id": HISTORY_ID,
                "name": "Dashboard breakout",
                "index": match.type("DAX.I"),
                "cfd": match.type("GER40.I"),
                "enable": match.bool(True),
                "dry_run": match.bool(False),
                "is_us": match.bool(False),
                "end_date": None,
                "conditions": match.each_like(condition, min=1),
                "trigger": {
                    "ut": match.type("15m"),
                    "signal": "breakout",
                    "location": match.regex("higher", regex=r"^(higher|lower)$"),
                    "order_direction": match.regex("BUY", regex=r"^(BUY|SELL)$"),
                    "quantity": match.number(10),
                },
                "created_at": instant(),
                "updated_at": instant(),
                "order_summary": summary,
            }
        )
    )


@pytest.mark.usefixtures("workflow_interaction")
async def test_one_workflow_is_read_with_its_order_summary(dashboard: AsyncWorkflowOrdersClient) -> None:
    workflow = await dashboard.get_workflow(HISTORY_ID)
    assert workflow.conditions[0].indicator.value == Decimal("18250.5")
    assert workflow.order_summary.total_count == 3


def _history_page(pact: Pact, description: str, state: dict[str, Any], page: dict[str, Any], **query: Any) -> None:
    """A page of the dashboard's workflow (3 orders, 2 a page): `page` holds its orders and next_cursor."""
    (
        _getting(pact, description, f"/v1/workflows/{HISTORY_ID}/orders", limit="2", **query)
        .given(WITH_ORDERS, {**HISTORY_WORKFLOW, "order_count": 3, **state})
        .will_respond_with(200)
        .with_header("Content-Type", json_answer())
        .with_body({"workflow_id": HISTORY_ID, "total_count": 3, "limit": 2, **page})
    )


@pytest.fixture
def history_interactions(pact: Pact) -> None:
    first = {"orders": match.each_like(LIST_ITEM, min=2), "next_cursor": match.type(CURSOR_EXAMPLE)}
    _history_page(pact, "a request for the first page of a workflow's order history", {}, first)
    last = {"orders": match.each_like(LIST_ITEM, min=1), "next_cursor": None}
    cursor = match.type(CURSOR_EXAMPLE, generator=generate.provider_state("${next_cursor}"))
    description = "a request for the next page with the cursor of the first"
    _history_page(pact, description, {"page_size": 2}, last, cursor=cursor)


@pytest.mark.usefixtures("history_interactions")
async def test_the_history_is_read_page_after_page_with_the_cursors(dashboard: AsyncWorkflowOrdersClient) -> None:
    orders = [order async for order in dashboard.iter_history(HISTORY_ID, limit=2)]
    assert len(orders) == 2  # one example order on each of the mock's two pages; the walk ends at next_cursor null
    assert {order.workflow_id for order in orders} == {HISTORY_ID}


@pytest.fixture
def order_interaction(pact: Pact) -> None:
    stored = {
        "order_code": "FRA40.I",
        "order_price": "12345.6789",
        "order_quantity": "0.1",
        "order_direction": "BUY",
        "order_type": "LIMIT",
        "asset_type": "CfdOnIndex",
        "trigger_close": "0",
        "execution_context": None,
    }
    body = {**stored, "order_price": 12345.6789, "order_quantity": 0.1, "trigger_close": 0}
    (
        _getting(pact, "a request for one order", f"/v1/orders/{ORDER_ID}")
        .given("order exists", {"order_id": ORDER_ID, **ORDER_WORKFLOW, **stored})
        .will_respond_with(200)
        .with_header("Content-Type", json_answer())
        .with_body(
            {
                "id": ORDER_ID,
                "workflow_id": ORDER_WORKFLOW["workflow_id"],
                "workflow_name": ORDER_WORKFLOW["workflow_name"],
                "placed_at": instant(),
                "expires_at": instant("2026-03-01T14:30:00Z"),
                "dry_run": match.bool(False),
                **body,
            }
        )
    )


@pytest.mark.usefixtures("order_interaction")
async def test_one_order_is_read_with_exact_decimals(dashboard: AsyncWorkflowOrdersClient) -> None:
    order = await dashboard.get_order(ORDER_ID)
    assert (order.order_price, order.order_quantity, order.trigger_close) == (Decimal("12345.6789"), Decimal("0.1"), 0)
    assert order.execution_context is None


@pytest.fixture
def latest_interaction(pact: Pact) -> None:
    (
        _getting(pact, "a request for the latest order of every workflow", "/v1/orders/latest", limit="10")
        .given(WITH_ORDERS, {**HISTORY_WORKFLOW, "order_count": 3})
        .will_respond_with(200)
        .with_header("Content-Type", json_answer())
        .with_body(
            {
                "orders": match.each_like({**LIST_ITEM, "workflow_name": match.type("Dashboard breakout")}, min=1),
                "total_count": match.int(1),
                "limit": 10,
            }
        )
    )


@pytest.mark.usefixtures("latest_interaction")
async def test_the_latest_orders_are_read(dashboard: AsyncWorkflowOrdersClient) -> None:
    latest = await dashboard.latest_orders(limit=10)
    assert latest.orders[0].workflow_name == "Dashboard breakout"


@pytest.fixture
def missing_order_interaction(pact: Pact) -> None:
    (
        _getting(pact, "a request for an order that does not exist", f"/v1/orders/{MISSING_ORDER_ID}")
        .given("no order", {"order_id": MISSING_ORDER_ID})
        .will_respond_with(404)
        .with_header("Content-Type", "application/problem+json")
        .with_body(problem(404, "Order not found"))
    )


@pytest.mark.usefixtures("missing_order_interaction")
async def test_a_missing_order_is_not_found(dashboard: AsyncWorkflowOrdersClient) -> None:
    with pytest.raises(NotFound) as raised:
        await dashboard.get_order(MISSING_ORDER_ID)
    assert raised.value.problem.title == "Order not found"


@pytest.fixture
def reversed_bounds_interaction(pact: Pact) -> None:
    errors = [{"field": "since", "message": match.type("must not be after until")}]
    (
        _getting(
            pact,
            "a request for a history whose since is after its until",
            f"/v1/workflows/{HISTORY_ID}/orders",
            since="2026-02-22T15:00:00Z",
            until="2026-02-22T14:00:00Z",
        )
        .given(WITH_ORDERS, {**HISTORY_WORKFLOW, "order_count": 3})
        .will_respond_with(400)
        .with_header("Content-Type", "application/problem+json")
        .with_body(problem(400, "Invalid input", errors=errors))
    )


@pytest.mark.usefixtures("reversed_bounds_interaction")
async def test_reversed_history_bounds_are_invalid_input(dashboard: AsyncWorkflowOrdersClient) -> None:
    since, until = datetime(2026, 2, 22, 15, tzinfo=UTC), datetime(2026, 2, 22, 14, tzinfo=UTC)
    with pytest.raises(InvalidInput) as raised:
        await dashboard.history_page(HISTORY_ID, since=since, until=until)
    assert [error.field for error in raised.value.errors] == ["since"]


@pytest.fixture
def window_interaction(pact: Pact) -> None:
    detail = {
        **LIST_ITEM,
        "workflow_name": match.type("Dashboard breakout"),
        "order_type": match.regex("LIMIT", regex=r"^(LIMIT|OPEN_STOP)$"),
        "asset_type": match.type("CfdOnIndex"),
        "trigger_close": match.number(18251.5),
        "execution_context": match.type("breakout h1"),
        "expires_at": instant(),
    }
    (
        _getting(pact, "a request for the first page of a window across workflows", "/v1/orders")
        .with_query_parameter("workflow_id", HISTORY_ID)
        .with_query_parameter("limit", "2")
        .given(WITH_ORDERS, {**HISTORY_WORKFLOW, "order_count": 3})
        .will_respond_with(200)
        .with_header("Content-Type", json_answer())
        .with_body({"orders": match.each_like(detail, min=2), "limit": 2, "next_cursor": match.type(CURSOR_EXAMPLE)})
    )


@pytest.mark.usefixtures("window_interaction")
async def test_a_window_of_one_workflows_orders_is_read(dashboard: AsyncWorkflowOrdersClient) -> None:
    page = await dashboard.list_orders(workflow_id=[HISTORY_ID], limit=2)
    assert {order.workflow_id for order in page.orders} == {HISTORY_ID}
    assert page.next_cursor is not None


@pytest.fixture
def summary_interaction(pact: Pact) -> None:
    group = {
        "workflow_id": uuid(HISTORY_ID),
        "order_direction": match.regex("BUY", regex=r"^(BUY|SELL)$"),
        "dry_run": match.bool(False),
        "workflow_name": match.type("Dashboard breakout"),
        "count": match.int(2),
        "volume": match.number(157005),
        "first_placed_at": instant(),
        "last_placed_at": instant(),
    }
    (
        _getting(pact, "a request for the summary of a window", "/v1/orders/summary", workflow_id=HISTORY_ID)
        .given(WITH_ORDERS, {**HISTORY_WORKFLOW, "order_count": 3})
        .will_respond_with(200)
        .with_header("Content-Type", json_answer())
        .with_body(
            {
                "since": None,
                "until": None,
                "count": 3,
                "digest": match.regex("0" * 64, regex=r"^[0-9a-f]{64}$"),
                "groups": match.each_like(group, min=1),
            }
        )
    )


@pytest.mark.usefixtures("summary_interaction")
async def test_the_summary_of_a_window_is_read(dashboard: AsyncWorkflowOrdersClient) -> None:
    summary = await dashboard.order_summary(workflow_id=[HISTORY_ID])
    assert summary.count == 3
    assert summary.groups[0].volume == Decimal(157005)
