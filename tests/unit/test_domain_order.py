"""WorkflowOrder: the write-once record of an order, its seed rules, expiry and sort key."""

from decimal import Decimal
from functools import partial

import pytest

import builders
from builders import NOW, ORDER_ID, WORKFLOW_ID
from domain.model.enums import AssetType, OrderDirection, OrderType
from domain.model.errors import InvalidInputError
from domain.model.order import RETENTION_SECONDS, oldest_visible_placed_at

PLACED_AT = NOW

make_order = partial(builders.make_order, order_id=ORDER_ID)
"""The canonical order of WORKFLOW_ID under ORDER_ID; raw fields such as `id` or `ttl` are set as given."""


def error_fields(error: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [e.field for e in error.value.errors]


def test_retention_is_seven_days_in_seconds() -> None:
    assert RETENTION_SECONDS == 7 * 24 * 3600 == 604_800


def test_a_valid_order_keeps_what_it_was_given() -> None:
    order = make_order(
        asset_type=AssetType.CFD_ON_INDEX,
        trigger_close=Decimal("7845.50"),
        execution_context="lambda-event-123abc",
    )

    assert order.id == ORDER_ID
    assert order.workflow_id == WORKFLOW_ID
    assert order.workflow_name == "DAX Breakout Strategy"
    assert order.placed_at == PLACED_AT
    assert order.order_code == "FRA40.I"
    assert order.order_price == Decimal("7850.25")
    assert order.order_quantity == Decimal("10")
    assert order.order_direction is OrderDirection.BUY
    assert order.order_type is OrderType.LIMIT
    assert order.asset_type is AssetType.CFD_ON_INDEX
    assert order.trigger_close == Decimal("7845.5")
    assert order.execution_context == "lambda-event-123abc"


def test_optional_fields_default_to_none() -> None:
    order = make_order()

    assert order.asset_type is None
    assert order.trigger_close is None
    assert order.execution_context is None


@pytest.mark.parametrize("field", ["order_price", "order_quantity"])
@pytest.mark.parametrize("text", ["0", "-0", "-1", "-0.01"])
def test_price_and_quantity_must_be_positive(field: str, text: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(**{field: Decimal(text)})

    assert error_fields(error) == [field]


@pytest.mark.parametrize("field", ["order_price", "order_quantity", "trigger_close"])
@pytest.mark.parametrize("text", ["NaN", "Infinity", "1" * 39, "1E+126", "1E-131"])
def test_decimals_that_cannot_be_stored_exactly_are_rejected(field: str, text: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(**{field: Decimal(text)})

    assert error_fields(error) == [field]


def test_trigger_close_zero_is_kept_not_dropped() -> None:
    order = make_order(trigger_close=Decimal("0"))

    assert order.trigger_close is not None
    assert order.trigger_close == 0


def test_trigger_close_negative_is_rejected() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(trigger_close=Decimal("-0.5"))

    assert error_fields(error) == ["trigger_close"]


def test_decimals_are_stored_in_their_shortest_exact_form() -> None:
    order = make_order(
        order_price=Decimal("10.50"),
        order_quantity=Decimal("1E+2"),
        trigger_close=Decimal("-0"),
    )

    assert str(order.order_price) == "10.5"
    assert str(order.order_quantity) == "100"
    assert str(order.trigger_close) == "0"


def test_a_long_exact_price_survives_unchanged() -> None:
    order = make_order(order_price=Decimal("12345.12345678901234567"))

    assert str(order.order_price) == "12345.12345678901234567"


@pytest.mark.parametrize("offset", [-1, 1, -RETENTION_SECONDS, 0 - PLACED_AT])
def test_ttl_must_be_exactly_placed_at_plus_seven_days(offset: int) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(ttl=PLACED_AT + RETENTION_SECONDS + offset)

    assert error_fields(error) == ["ttl"]


def test_ttl_equal_to_placed_at_is_rejected_as_the_seed_requires() -> None:
    with pytest.raises(InvalidInputError):
        make_order(ttl=PLACED_AT)


def test_asset_type_is_stored_and_shown_by_value() -> None:
    order = make_order(asset_type=AssetType("CfdOnIndex"))

    assert order.asset_type is AssetType.CFD_ON_INDEX
    assert order.asset_type.value == "CfdOnIndex"
    assert str(order.asset_type) == "CfdOnIndex"


def test_asset_type_cannot_be_looked_up_by_enum_name_as_a_value() -> None:
    with pytest.raises(ValueError, match="CFD_ON_INDEX"):
        AssetType("CFD_ON_INDEX")


def test_expires_at_is_the_ttl() -> None:
    order = make_order()

    assert order.expires_at == PLACED_AT + 604_800


def test_order_is_visible_one_second_before_it_expires() -> None:
    order = make_order()

    assert order.is_visible(PLACED_AT + 604_799)


def test_order_is_hidden_the_second_it_expires() -> None:
    order = make_order()

    assert not order.is_visible(PLACED_AT + 604_800)
    assert not order.is_visible(PLACED_AT + 604_801)


def test_order_is_visible_at_the_moment_it_is_placed() -> None:
    assert make_order().is_visible(PLACED_AT)


def test_oldest_visible_placed_at_is_the_visibility_boundary() -> None:
    now = PLACED_AT + 10_000_000
    boundary = oldest_visible_placed_at(now)

    assert make_order(placed_at=boundary).is_visible(now)
    assert not make_order(placed_at=boundary - 1).is_visible(now)


def test_sort_key_is_placed_at_then_id() -> None:
    order = make_order()

    assert order.sort_key == (PLACED_AT, ORDER_ID)


def test_sort_key_breaks_same_second_ties_by_id() -> None:
    first = make_order(id="00000000-0000-4000-8000-000000000001")
    second = make_order(id="00000000-0000-4000-8000-000000000002")
    later = make_order(id="00000000-0000-4000-8000-000000000000", placed_at=PLACED_AT + 1)

    newest_first = sorted([first, later, second], key=lambda o: o.sort_key, reverse=True)

    assert newest_first == [later, second, first]


@pytest.mark.parametrize(("field", "length"), [("order_code", 1), ("order_code", 50)])
def test_order_code_of_1_to_50_characters_is_accepted(field: str, length: int) -> None:
    order = make_order(**{field: "x" * length})

    assert len(order.order_code) == length


@pytest.mark.parametrize("length", [0, 51])
def test_order_code_outside_1_to_50_characters_is_rejected(length: int) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(order_code="x" * length)

    assert error_fields(error) == ["order_code"]


@pytest.mark.parametrize("length", [1, 200])
def test_workflow_name_of_1_to_200_characters_is_accepted(length: int) -> None:
    assert len(make_order(workflow_name="n" * length).workflow_name) == length


@pytest.mark.parametrize("length", [0, 201])
def test_workflow_name_outside_1_to_200_characters_is_rejected(length: int) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(workflow_name="n" * length)

    assert error_fields(error) == ["workflow_name"]


@pytest.mark.parametrize("length", [1, 200])
def test_execution_context_of_1_to_200_characters_is_accepted(length: int) -> None:
    assert make_order(execution_context="c" * length).execution_context == "c" * length


@pytest.mark.parametrize("length", [0, 201])
def test_execution_context_outside_1_to_200_characters_is_rejected(length: int) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(execution_context="c" * length)

    assert error_fields(error) == ["execution_context"]


def test_lengths_count_characters_not_bytes() -> None:
    order = make_order(order_code="é" * 50)

    assert order.order_code == "é" * 50


def test_an_id_not_in_its_canonical_lowercase_form_is_refused() -> None:
    """Ids are parsed into their canonical form at the edge (domain.model.ids.parse_id)."""
    with pytest.raises(InvalidInputError):
        make_order(id=ORDER_ID.upper())


@pytest.mark.parametrize(
    "bad_id", ["", "not-a-uuid", "a8098c1a-f86e-11da-bd1a-00112444be1e", ORDER_ID.replace("-", "")]
)
def test_id_must_be_a_uuid4(bad_id: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(id=bad_id)

    assert error_fields(error) == ["id"]


def test_every_invalid_field_is_listed_at_once() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(
            id="nope",
            workflow_name="",
            order_code="x" * 51,
            order_price=Decimal("0"),
            order_quantity=Decimal("-1"),
            trigger_close=Decimal("-1"),
            execution_context="",
            ttl=PLACED_AT,
        )

    assert sorted(error_fields(error)) == sorted(
        [
            "id",
            "workflow_name",
            "order_code",
            "order_price",
            "order_quantity",
            "trigger_close",
            "execution_context",
            "ttl",
        ]
    )
    assert all(e.message for e in error.value.errors)


def test_invalid_input_error_detail_names_every_field() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_order(order_price=Decimal("0"), order_code="")

    assert "order_price" in error.value.detail
    assert "order_code" in error.value.detail


def test_order_is_immutable() -> None:
    order = make_order()

    with pytest.raises(AttributeError):
        order.order_price = Decimal("1")  # type: ignore[misc]
