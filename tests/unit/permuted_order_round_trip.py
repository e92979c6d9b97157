"""Run as a script by test_order_fields_by_name: WorkflowOrder with its fields in reverse order, then an order
through every format the adapters write, each checked field by field by name.

The permuted class takes the real one's place before any adapter is imported, as if its fields had
been reordered in src/domain/model/order.py; it keeps the real class's validation and properties.
"""

import dataclasses
import json
import sqlite3
import typing
from decimal import Decimal

import domain.model.order as order_module

REAL = order_module.WorkflowOrder
HINTS = typing.get_type_hints(REAL)


def _reversed_order_class() -> type:
    specs = [
        (field.name, HINTS[field.name], dataclasses.field(default=field.default))
        if field.default is not dataclasses.MISSING
        else (field.name, HINTS[field.name])
        for field in reversed(dataclasses.fields(REAL))
    ]
    kept = {name: vars(REAL)[name] for name in ("__post_init__", "expires_at", "is_visible", "sort_key")}
    permuted = dataclasses.make_dataclass("WorkflowOrder", specs, namespace=kept, frozen=True, slots=True, kw_only=True)
    permuted.__module__ = REAL.__module__
    return permuted


order_module.WorkflowOrder = _reversed_order_class()  # type: ignore[misc]

# Imported only now, so that they are built from the permuted class.
import msgspec  # noqa: E402

from adapters.archive_ndjson import parse_record, record_line  # noqa: E402
from adapters.dynamodb.mapping import item_to_order, order_to_item  # noqa: E402
from adapters.http.response_bodies import ResponseBodies  # noqa: E402
from adapters.sqlite.mapping import ORDER_COLUMNS, order_from_row, order_to_row  # noqa: E402
from adapters.sqlite.migrations import migrate  # noqa: E402
from adapters.sqlite.orders import INSERT_ORDER  # noqa: E402
from domain.model.enums import AssetType, OrderDirection, OrderType  # noqa: E402
from domain.model.ids import Id  # noqa: E402

WorkflowOrder = order_module.WorkflowOrder
assert [field.name for field in dataclasses.fields(WorkflowOrder)] == [
    field.name for field in reversed(dataclasses.fields(REAL))
], "the permuted class is not in place"

PLACED_AT = 1_771_770_600
# Every field holds a value that no other field of its type holds, so that a swap cannot go unseen.
ORDER = WorkflowOrder(
    id=Id("3f1c1b7e-8a2b-4c1d-9e2f-0a1b2c3d4e5f"),
    workflow_id=Id("550e8400-e29b-41d4-a716-446655440000"),
    workflow_name="DAX Breakout Strategy",
    placed_at=PLACED_AT,
    order_code="FRA40.I",
    order_price=Decimal("7850.25"),
    order_quantity=Decimal("10"),
    order_direction=OrderDirection.SELL,
    order_type=OrderType.OPEN_STOP,
    ttl=PLACED_AT + order_module.RETENTION_SECONDS,
    asset_type=AssetType.CFD_ON_INDEX,
    trigger_close=Decimal("7845.5"),
    execution_context="lambda-event-123abc",
)


def same_fields(read: object, where: str) -> None:
    for field in dataclasses.fields(WorkflowOrder):
        expected, got = getattr(ORDER, field.name), getattr(read, field.name)
        assert got == expected, f"{where}: {field.name} is {got!r}, not {expected!r}"


def through_sqlite() -> None:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    migrate(connection)
    connection.execute(
        "INSERT INTO workflows VALUES (?, 'DAX Breakout Strategy', 1, '{}', 0, 0, NULL)", (ORDER.workflow_id,)
    )
    connection.execute(INSERT_ORDER, order_to_row(ORDER))
    (price,) = connection.execute("SELECT order_price FROM orders").fetchone()
    assert price == "7850.25", f"SQLite: the order_price column holds {price!r}"
    row = connection.execute(f"SELECT {', '.join(ORDER_COLUMNS)} FROM orders").fetchone()
    same_fields(order_from_row(row), "SQLite row")


def through_dynamodb() -> None:
    item = order_to_item(ORDER)
    assert item["order_price"] == {"N": "7850.25"}, f"DynamoDB: order_price is {item['order_price']}"
    assert item["ttl"] == {"N": str(ORDER.ttl)}, f"DynamoDB: ttl is {item['ttl']}"
    same_fields(item_to_order(item), "DynamoDB item")


def through_http() -> None:
    detail = json.loads(msgspec.json.encode(ResponseBodies().order_detail(ORDER)))
    expected = {
        "id": ORDER.id,
        "workflow_id": ORDER.workflow_id,
        "workflow_name": "DAX Breakout Strategy",
        "placed_at": "2026-02-22T14:30:00Z",
        "order_code": "FRA40.I",
        "order_price": "7850.25",
        "order_quantity": "10",
        "order_direction": "SELL",
        "order_type": "OPEN_STOP",
        "expires_at": "2026-03-01T14:30:00Z",
        "asset_type": "CfdOnIndex",
        "trigger_close": "7845.5",
        "execution_context": "lambda-event-123abc",
    }
    assert detail == expected, f"HTTP detail row: {detail}"


def through_ndjson() -> None:
    line = json.loads(record_line(ORDER))
    assert (line["order_price"], line["expires_at"]) == (7850.25, ORDER.ttl), f"NDJSON line: {line}"
    same_fields(parse_record(record_line(ORDER)), "NDJSON line")


through_sqlite()
through_dynamodb()
through_http()
through_ndjson()
print("every format round-tripped the permuted order")
