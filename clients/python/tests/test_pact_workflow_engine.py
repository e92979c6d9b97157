"""Consumer pact of `workflow-engine`, the order writer: what it sends when it records orders, and
what it relies on in the answers. The blocking client is driven against pact's mock service."""

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pact import Pact, match

from pact_support import bearer, instant, json_answer, mock_service, new_pact, problem, recent_instant, uuid
from workflow_orders_client import NO_RETRIES, Conflict, InvalidInput, NotFound, WorkflowOrdersClient

WORKFLOW_ID, WORKFLOW_NAME = "3f2b8c1e-5d4a-4e9b-8c7d-1a2b3c4d5e6f", "DAX breakout"
NEW_ORDER_ID = "7d3e2f1a-0b9c-4d8e-a7f6-5e4d3c2b1a09"
STORED_ORDER_ID = "b4c3d2e1-f0a9-4b8c-9d7e-6f5a4b3c2d1e"
MISSING_WORKFLOW_ID = "0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"
UNSTORED_IDS = ("c5d6e7f8-a9b0-4c1d-8e2f-3a4b5c6d7e8f", "d6e7f8a9-b0c1-4d2e-9f3a-4b5c6d7e8f9a")
"""Example ids of orders the service refuses (404, 400): never stored, so replays stay independent."""
WORKFLOW = {"workflow_id": WORKFLOW_ID, "workflow_name": WORKFLOW_NAME}
STORED_ORDER = {
    "order_code": "FRA40.I",
    "order_price": "7851.5",
    "order_quantity": "5",
    "order_direction": "SELL",
    "order_type": "OPEN_STOP",
    "asset_type": "CfdOnIndex",
    "trigger_close": "7852",
    "execution_context": "zone h1 18250.5 breakout",
}
"""The order the `order exists` state stores (decimals as strings, to keep every digit)."""


@pytest.fixture
def pact() -> Pact:
    return new_pact("workflow-engine")


@pytest.fixture
def engine(pact: Pact, pact_dir: Path) -> Iterator[WorkflowOrdersClient]:
    """The writer's client, on pact's mock service, after the test declared its interactions."""
    with mock_service(pact, pact_dir) as url, WorkflowOrdersClient(url, token="engine", retry=NO_RETRIES) as client:
        yield client


def _order_request(body: dict[str, Any], example_id: str = NEW_ORDER_ID) -> dict[str, Any]:
    """An order with an id the client chose; each interaction replays its own example id (reusing one
    would meet the service's idempotency check instead of what the interaction is about)."""
    return {"id": uuid(example_id), **body}


def _posting(pact: Pact, description: str, workflow_id: str = WORKFLOW_ID) -> Any:
    return (
        pact.upon_receiving(description)
        .with_request("POST", f"/v1/workflows/{workflow_id}/orders")
        .with_header("Authorization", bearer())
        .with_header("Content-Type", "application/json")
    )


def _stored(order_id: Any, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": order_id,
        "workflow_id": WORKFLOW_ID,
        "workflow_name": match.type(WORKFLOW_NAME),
        "placed_at": instant(),
        "expires_at": instant("2026-03-01T14:30:00Z"),
        "dry_run": match.bool(False),
        **fields,
    }


NEW_ORDER = {
    "order_code": "FRA40.I",
    "order_price": 7850.25,
    "order_quantity": 10,
    "order_direction": "BUY",
    "order_type": "LIMIT",
    "asset_type": "CfdOnIndex",
    "trigger_close": 0,
    "execution_context": "zone h1 18250.5 breakout",
}


def _record_new(client: WorkflowOrdersClient, workflow_id: str = WORKFLOW_ID, **changes: Any) -> Any:
    fields: dict[str, Any] = {
        **NEW_ORDER,
        "order_price": Decimal("7850.25"),
        "order_quantity": Decimal(10),
        "trigger_close": Decimal(0),
        "placed_at": datetime.now(UTC).replace(microsecond=0),
        **changes,
    }
    return client.record_order(workflow_id, **fields)


@pytest.fixture
def new_order_interaction(pact: Pact) -> None:
    (
        _posting(pact, "a new order placed by a live workflow")
        .given("workflow exists", WORKFLOW)
        .with_body(_order_request({**NEW_ORDER, "placed_at": recent_instant("2026-02-22T14:30:00Z")}))
        .will_respond_with(201)
        .with_header("Content-Type", json_answer())
        .with_header("Location", match.regex(f"/v1/orders/{NEW_ORDER_ID}", regex=r"^/v1/orders/[0-9a-f-]{36}$"))
        .with_body(_stored(uuid(NEW_ORDER_ID), NEW_ORDER))
    )


@pytest.mark.usefixtures("new_order_interaction")
def test_a_new_order_is_recorded_under_an_id_the_client_chose(engine: WorkflowOrdersClient) -> None:
    recorded = _record_new(engine)
    assert recorded.created
    assert (recorded.order.order_price, recorded.order.trigger_close) == (Decimal("7850.25"), 0)


@pytest.fixture
def replay_interaction(pact: Pact) -> None:
    stored = {**STORED_ORDER, "order_price": 7851.5, "order_quantity": 5, "trigger_close": 7852}
    (
        _posting(pact, "a retry of an order already recorded")
        .given("order exists", {"order_id": STORED_ORDER_ID, **WORKFLOW, **STORED_ORDER})
        .with_body({"id": STORED_ORDER_ID, **stored})
        .will_respond_with(200)
        .with_header("Content-Type", json_answer())
        .with_body(_stored(STORED_ORDER_ID, stored))
    )


@pytest.mark.usefixtures("replay_interaction")
def test_a_retry_of_a_stored_order_answers_the_stored_order(engine: WorkflowOrdersClient) -> None:
    fields: dict[str, Any] = {
        **STORED_ORDER,
        "order_price": Decimal("7851.5"),
        "order_quantity": Decimal(5),
        "trigger_close": Decimal(7852),
    }
    recorded = engine.record_order(WORKFLOW_ID, id=STORED_ORDER_ID, **fields)
    assert not recorded.created
    assert recorded.order.id == STORED_ORDER_ID


@pytest.fixture
def reused_id_interaction(pact: Pact) -> None:
    other = {**STORED_ORDER, "order_price": 7851.5, "order_quantity": 6, "trigger_close": 7852}
    (
        _posting(pact, "an order id reused with other content")
        .given("order exists", {"order_id": STORED_ORDER_ID, **WORKFLOW, **STORED_ORDER})
        .with_body({"id": STORED_ORDER_ID, **other})
        .will_respond_with(409)
        .with_header("Content-Type", "application/problem+json")
        .with_body(problem(409, "Order id already used"))
    )


@pytest.mark.usefixtures("reused_id_interaction")
def test_an_order_id_reused_with_other_content_is_a_conflict(engine: WorkflowOrdersClient) -> None:
    fields: dict[str, Any] = {**STORED_ORDER, "order_price": Decimal("7851.5"), "order_quantity": Decimal(6)}
    with pytest.raises(Conflict) as raised:
        engine.record_order(WORKFLOW_ID, id=STORED_ORDER_ID, **{**fields, "trigger_close": Decimal(7852)})
    assert raised.value.problem.title == "Order id already used"


@pytest.fixture
def missing_workflow_interaction(pact: Pact) -> None:
    (
        _posting(pact, "an order for a workflow that does not exist", MISSING_WORKFLOW_ID)
        .given("no workflow", {"workflow_id": MISSING_WORKFLOW_ID})
        .with_body(_order_request({**NEW_ORDER, "placed_at": recent_instant("2026-02-22T14:30:00Z")}, UNSTORED_IDS[0]))
        .will_respond_with(404)
        .with_header("Content-Type", "application/problem+json")
        .with_body(problem(404, "Workflow not found"))
    )


@pytest.mark.usefixtures("missing_workflow_interaction")
def test_an_order_for_a_missing_workflow_is_not_found(engine: WorkflowOrdersClient) -> None:
    with pytest.raises(NotFound) as raised:
        _record_new(engine, MISSING_WORKFLOW_ID)
    assert raised.value.status == 404


@pytest.fixture
def invalid_order_interaction(pact: Pact) -> None:
    invalid = {**NEW_ORDER, "order_price": 0}
    errors = [{"field": "order_price", "message": match.type("must be > 0")}]
    (
        _posting(pact, "an order with a price of 0")
        .given("workflow exists", WORKFLOW)
        .with_body(_order_request({**invalid, "placed_at": recent_instant("2026-02-22T14:30:00Z")}, UNSTORED_IDS[1]))
        .will_respond_with(400)
        .with_header("Content-Type", "application/problem+json")
        .with_body(problem(400, "Invalid input", errors=errors))
    )


@pytest.mark.usefixtures("invalid_order_interaction")
def test_an_invalid_order_names_the_invalid_field(engine: WorkflowOrdersClient) -> None:
    with pytest.raises(InvalidInput) as raised:
        _record_new(engine, order_price=Decimal(0))
    assert [error.field for error in raised.value.errors] == ["order_price"]
