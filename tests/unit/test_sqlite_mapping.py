"""The SQLite data mapper: rows hold exact decimal text, enum values, NULL only for absent fields."""

import json
from decimal import Decimal

import pytest

from adapters.spec_json import DecodedWorkflows, spec_from_json, spec_to_json
from adapters.sqlite.mapping import (
    ORDER_COLUMNS,
    order_from_row,
    order_to_row,
    workflow_from_row,
    workflow_to_row,
)
from builders import make_order, make_workflow, rich_spec
from domain.model.enums import AssetType, OrderDirection, OrderType
from domain.model.workflow import Workflow

WORKFLOW = make_workflow("Breakout")
WORKFLOW_COLUMNS = ("id", "name", "enable", "spec", "created_at", "updated_at")


def column(row: tuple[object, ...], name: str) -> object:
    return row[ORDER_COLUMNS.index(name)]


def test_an_order_row_has_one_value_per_column() -> None:
    assert len(order_to_row(make_order(WORKFLOW))) == len(ORDER_COLUMNS)


def test_decimals_are_stored_as_their_shortest_exact_text() -> None:
    row = order_to_row(make_order(WORKFLOW, price="10.50", quantity="1E-130", trigger_close="9.99E+125"))

    assert column(row, "order_price") == "10.5"
    assert column(row, "order_quantity") == "1E-130"
    assert column(row, "trigger_close") == "9.99E+125"


def test_a_trigger_close_of_zero_is_the_text_0_and_an_absent_one_is_null() -> None:
    assert column(order_to_row(make_order(WORKFLOW, trigger_close="0")), "trigger_close") == "0"
    assert column(order_to_row(make_order(WORKFLOW, trigger_close=None)), "trigger_close") is None


def test_enums_are_stored_by_value() -> None:
    order = make_order(
        WORKFLOW, direction=OrderDirection.SELL, order_type=OrderType.OPEN_STOP, asset_type=AssetType.CFD_ON_INDEX
    )

    row = order_to_row(order)

    assert (column(row, "order_direction"), column(row, "order_type"), column(row, "asset_type")) == (
        "SELL",
        "OPEN_STOP",
        "CfdOnIndex",
    )


def test_expires_at_is_the_orders_ttl() -> None:
    order = make_order(WORKFLOW)

    assert column(order_to_row(order), "expires_at") == order.expires_at


@pytest.mark.parametrize("asset_type", [*AssetType, None])
@pytest.mark.parametrize("trigger_close", [None, "0", "12345.12345678901234567"])
def test_an_order_comes_back_from_its_row_unchanged(asset_type: AssetType | None, trigger_close: str | None) -> None:
    order = make_order(
        WORKFLOW,
        price="0.1",
        asset_type=asset_type,
        trigger_close=trigger_close,
        execution_context="context",
    )

    assert order_from_row(order_to_row(order)) == order


def test_an_order_row_read_back_keeps_every_digit() -> None:
    row = order_to_row(make_order(WORKFLOW, price="12345.12345678901234567", quantity="1E-130"))

    order = order_from_row(row)

    assert (str(order.order_price), str(order.order_quantity)) == ("12345.12345678901234567", "1E-130")


def test_a_workflow_row_copies_name_and_enable_out_of_the_spec() -> None:
    workflow = Workflow(id=WORKFLOW.id, spec=rich_spec("Zone"), created_at=10, updated_at=20)

    row = workflow_to_row(workflow)

    assert len(row) == len(WORKFLOW_COLUMNS)
    assert dict(zip(WORKFLOW_COLUMNS, row, strict=True)) | {"spec": None} == {
        "id": WORKFLOW.id,
        "name": "Zone",
        "enable": 0,
        "spec": None,
        "created_at": 10,
        "updated_at": 20,
    }


def test_spec_json_holds_decimals_as_strings_so_no_digit_goes_through_a_float() -> None:
    spec = rich_spec("Zone")

    stored = json.loads(spec_to_json(spec))

    assert stored["conditions"][0]["indicator"]["value"] == "12345.12345678901234567"
    assert stored["conditions"][1]["close"]["spread"] == "1E-130"
    assert stored["end_date"] == "2026-12-31"


def test_a_spec_comes_back_from_its_json_unchanged() -> None:
    spec = rich_spec("Zone")

    restored = spec_from_json(spec_to_json(spec))

    assert restored == spec
    assert restored.conditions[0].indicator.value is not None
    assert str(restored.conditions[0].indicator.value) == "12345.12345678901234567"
    assert restored.trigger.quantity == Decimal("9.99E+125")


def test_a_workflow_comes_back_from_its_row_unchanged() -> None:
    workflow = Workflow(id=WORKFLOW.id, spec=rich_spec("Zone"), created_at=10, updated_at=20)

    assert workflow_from_row(workflow_to_row(workflow), DecodedWorkflows()) == workflow


def test_each_stored_workflow_is_decoded_once_while_it_is_remembered() -> None:
    decoded = DecodedWorkflows(capacity=1)
    row = workflow_to_row(Workflow(id=WORKFLOW.id, spec=rich_spec("Zone"), created_at=10, updated_at=20))
    other = workflow_to_row(make_workflow("Other"))

    first = workflow_from_row(row, decoded)
    assert workflow_from_row(row, decoded) is first
    workflow_from_row(other, decoded)  # pushes the first one out
    again = workflow_from_row(row, decoded)

    assert again == first
    assert again is not first
