"""Item <-> entity mapping for DynamoDB: exact decimals, optional fields, enums by value, sort keys."""

import json
import random
import uuid
from decimal import Decimal
from functools import partial

import pytest

from adapters.dynamodb.mapping import (
    item_to_order,
    n,
    order_sort_key,
    order_to_item,
    sort_key_ceiling,
    sort_key_floor,
)
from adapters.dynamodb.workflow_mapping import (
    SPEC_ATTRIBUTES,
    WORKFLOW_ATTRIBUTES,
    item_to_workflow,
    name_guard_item,
    spec_to_attributes,
    workflow_to_item,
)
from adapters.spec_json import DecodedWorkflows
from builders import NOW, ORDER_ID, WORKFLOW_ID, make_order, rich_spec
from domain.model.enums import (
    AssetType,
    OrderDirection,
    OrderType,
)
from domain.model.order import RETENTION_SECONDS
from domain.model.workflow import Workflow

order = partial(make_order, order_id=ORDER_ID)
"""The canonical order of WORKFLOW_ID under ORDER_ID; WorkflowOrder fields by their own names."""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("7850.25", "7850.25"),
        ("0.1", "0.1"),
        ("12345.12345678901234567", "12345.12345678901234567"),
        ("10.50", "10.50"),
        ("0", "0"),
        ("1E-130", "1E-130"),
        ("99999999999999999999999999999999999999", "99999999999999999999999999999999999999"),
    ],
)
def test_a_decimal_is_stored_with_its_own_digits_never_through_float(value: str, text: str) -> None:
    assert n(Decimal(value)) == {"N": text}


def test_a_huge_whole_number_is_stored_in_exponent_form_within_38_digits() -> None:
    stored = n(Decimal("999" + "0" * 123))

    assert stored == {"N": "9.99E+125"}
    assert Decimal(stored["N"]) == Decimal("9.99E+125")


def test_an_order_with_every_field_survives_the_round_trip_with_exact_digits() -> None:
    original = order(
        order_price=Decimal("12345.12345678901234567"),
        order_quantity=Decimal("0.1"),
        asset_type=AssetType.CFD_ON_INDEX,
        trigger_close=Decimal("7845.5"),
        execution_context="lambda-event-123abc",
    )

    item = order_to_item(original)
    back = item_to_order(item)

    assert back == original
    assert item["order_price"] == {"N": "12345.12345678901234567"}
    assert item["order_quantity"] == {"N": "0.1"}
    assert str(back.order_price) == "12345.12345678901234567"


def test_optional_order_fields_that_are_none_are_absent_from_the_item() -> None:
    item = order_to_item(order())

    assert not {"asset_type", "trigger_close", "execution_context"} & item.keys()
    back = item_to_order(item)
    assert (back.asset_type, back.trigger_close, back.execution_context) == (None, None, None)


@pytest.mark.parametrize("dry_run", [True, False])
def test_dry_run_is_stored_as_a_boolean_and_an_item_without_it_reads_none(dry_run: bool) -> None:
    item = order_to_item(order(dry_run=dry_run))

    assert item["dry_run"] == {"BOOL": dry_run}
    assert item_to_order(item).dry_run is dry_run
    del item["dry_run"]  # as items written before dry_run was captured
    assert item_to_order(item).dry_run is None


def test_a_trigger_close_of_zero_is_kept() -> None:
    item = order_to_item(order(trigger_close=Decimal("0")))

    assert item["trigger_close"] == {"N": "0"}
    assert item_to_order(item).trigger_close == Decimal("0")


def test_asset_type_is_stored_and_read_by_its_value() -> None:
    item = order_to_item(order(asset_type=AssetType.WARRANT_OPEN_END_KNOCK_OUT))

    assert item["asset_type"] == {"S": "WarrantOpenEndKnockOut"}
    assert item_to_order(item).asset_type is AssetType.WARRANT_OPEN_END_KNOCK_OUT


def test_enums_are_stored_by_value_and_numbers_as_n() -> None:
    item = order_to_item(order(order_direction=OrderDirection.SELL, order_type=OrderType.OPEN_STOP))

    assert item["order_direction"] == {"S": "SELL"}
    assert item["order_type"] == {"S": "OPEN_STOP"}
    assert item["placed_at"] == {"N": str(NOW)}
    assert item["ttl"] == {"N": str(NOW + RETENTION_SECONDS)}


def test_numbers_read_back_in_another_notation_give_the_canonical_value() -> None:
    item = order_to_item(order()) | {"order_price": {"N": "7850.2500"}, "order_quantity": {"N": "1E+1"}}

    back = item_to_order(item)

    assert str(back.order_price) == "7850.25"
    assert str(back.order_quantity) == "10"


def test_extra_attributes_such_as_keys_are_ignored_when_reading_an_order() -> None:
    item = order_to_item(order()) | {"sort_key": {"S": order_sort_key(NOW, ORDER_ID)}}

    assert item_to_order(item) == order()


def test_sort_keys_sort_like_placed_at_then_id() -> None:
    rng = random.Random(7)
    keys = [(NOW + rng.randrange(-5, 5), str(uuid.UUID(int=rng.getrandbits(128), version=4))) for _ in range(200)]

    assert sorted(keys, key=lambda k: order_sort_key(*k)) == sorted(keys)


def test_the_floor_and_ceiling_of_a_second_enclose_exactly_that_seconds_orders() -> None:
    same = order_sort_key(NOW, "ffffffff-ffff-4fff-bfff-ffffffffffff")
    first = order_sort_key(NOW, "00000000-0000-4000-8000-000000000000")

    assert order_sort_key(NOW - 1, "ffffffff-ffff-4fff-bfff-ffffffffffff") < sort_key_floor(NOW) < first
    assert same < sort_key_ceiling(NOW) < order_sort_key(NOW + 1, "00000000-0000-4000-8000-000000000000")


def test_a_sort_key_is_the_fixed_width_second_then_the_id() -> None:
    assert order_sort_key(NOW, ORDER_ID) == f"0{NOW}#{ORDER_ID}"


@pytest.mark.parametrize("placed_at", [-1, 10**11])
def test_a_placed_at_outside_the_fixed_width_is_refused(placed_at: int) -> None:
    with pytest.raises(ValueError, match="storable range"):
        order_sort_key(placed_at, ORDER_ID)


def test_a_workflow_with_every_optional_field_survives_the_round_trip() -> None:
    original = Workflow(
        id=WORKFLOW_ID,
        spec=rich_spec("Zone SELL"),
        created_at=NOW,
        updated_at=NOW + 60,
    )

    item = workflow_to_item(original)
    back = item_to_workflow(item, DecodedWorkflows())

    assert back == original
    assert str(back.spec.trigger.quantity) == str(original.spec.trigger.quantity)
    assert str(back.spec.conditions[0].indicator.value) == "12345.12345678901234567"
    assert item["pk"] == {"S": f"WORKFLOW#{WORKFLOW_ID}"}
    assert item["kind"] == {"S": "workflow"}
    assert set(WORKFLOW_ATTRIBUTES) <= item.keys()


def test_a_spec_is_stored_as_its_name_its_enable_flag_and_json_text_with_exact_decimals() -> None:
    attributes = spec_to_attributes(rich_spec("Zone SELL", dry_run=False, is_us=False, end_date=None))
    stored = json.loads(attributes["spec"]["S"])

    assert set(attributes) == set(SPEC_ATTRIBUTES)
    assert attributes["name"] == {"S": "Zone SELL"}
    assert attributes["enable"] == {"BOOL": False}
    assert stored["trigger"]["quantity"] == "9.99E+125"  # a string: no float on the way
    assert stored["conditions"][0]["indicator"]["value"] == "12345.12345678901234567"
    assert stored["conditions"][1]["close"]["spread"] == "1E-130"


def test_a_name_guard_names_its_owner() -> None:
    assert name_guard_item("Breakout", WORKFLOW_ID) == {
        "pk": {"S": "NAME#Breakout"},
        "kind": {"S": "name"},
        "owner": {"S": WORKFLOW_ID},
    }
