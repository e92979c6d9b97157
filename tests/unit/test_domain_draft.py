"""OrderDraft: what a client sends to record an order, placed_at checks, and replay recognition."""

from decimal import Decimal

import pytest

from builders import NOW, ORDER_ID, OTHER_WORKFLOW_ID, WORKFLOW_ID, make_draft
from domain.model.draft import OrderDraft
from domain.model.enums import AssetType, OrderDirection, OrderType
from domain.model.errors import InvalidInputError
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.model.rules import FUTURE_TOLERANCE_SECONDS
from domain.model.workflow import WorkflowStamp


def stored_from(draft: OrderDraft, *, placed_at: int = NOW, workflow_id: str = WORKFLOW_ID) -> WorkflowOrder:
    return draft.to_order(draft.id or ORDER_ID, workflow_id, WorkflowStamp("DAX Breakout", False), placed_at)


def error_fields(error: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [e.field for e in error.value.errors]


# validation


def test_a_minimal_draft_is_valid() -> None:
    draft = make_draft()

    assert draft.id is None
    assert draft.placed_at is None
    assert draft.asset_type is None
    assert draft.trigger_close is None
    assert draft.execution_context is None


def test_draft_id_is_lowercased() -> None:
    draft = make_draft(id=ORDER_ID.upper())

    assert draft.id == ORDER_ID


@pytest.mark.parametrize("bad_id", ["", "123", "a8098c1a-f86e-11da-bd1a-00112444be1e"])
def test_draft_id_must_be_a_uuid4(bad_id: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_draft(id=bad_id)

    assert error_fields(error) == ["id"]


def test_draft_decimals_take_their_shortest_exact_form() -> None:
    draft = make_draft(order_price=Decimal("10.50"), order_quantity=Decimal("1E+2"), trigger_close=Decimal("0.0"))

    assert str(draft.order_price) == "10.5"
    assert str(draft.order_quantity) == "100"
    assert str(draft.trigger_close) == "0"


def test_draft_keeps_trigger_close_zero() -> None:
    assert make_draft(trigger_close=Decimal("0")).trigger_close == 0


def test_every_invalid_draft_field_is_listed_at_once() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_draft(
            id="nope",
            order_code="",
            order_price=Decimal("0"),
            order_quantity=Decimal("NaN"),
            trigger_close=Decimal("-1"),
            execution_context="x" * 201,
        )

    assert sorted(error_fields(error)) == sorted(
        ["id", "order_code", "order_price", "order_quantity", "trigger_close", "execution_context"]
    )


@pytest.mark.parametrize("text", ["1E+1000000", "-1E+1000000"])
def test_draft_with_a_price_of_absurd_magnitude_is_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_draft(order_price=Decimal(text))

    assert error_fields(error) == ["order_price"]


def test_draft_with_a_price_just_above_the_largest_storable_value_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_draft(order_price=Decimal("9.990000000000000000000000000001E+125"))

    assert error_fields(error) == ["order_price"]


# check_placed_at


def test_omitted_placed_at_always_passes_the_check() -> None:
    make_draft().check_placed_at(NOW)


def test_placed_at_exactly_five_minutes_ahead_is_accepted() -> None:
    make_draft(placed_at=NOW + 300).check_placed_at(NOW)

    assert FUTURE_TOLERANCE_SECONDS == 300


def test_placed_at_more_than_five_minutes_ahead_is_rejected() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_draft(placed_at=NOW + 301).check_placed_at(NOW)

    assert error_fields(error) == ["placed_at"]


def test_placed_at_one_second_before_expiry_is_accepted() -> None:
    make_draft(placed_at=NOW - RETENTION_SECONDS + 1).check_placed_at(NOW)


def test_placed_at_that_is_already_expired_is_rejected() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_draft(placed_at=NOW - RETENTION_SECONDS).check_placed_at(NOW)

    assert error_fields(error) == ["placed_at"]


def test_placed_at_long_ago_is_rejected() -> None:
    with pytest.raises(InvalidInputError):
        make_draft(placed_at=0).check_placed_at(NOW)


# to_order


def test_to_order_defaults_placed_at_to_now() -> None:
    order = make_draft().to_order(ORDER_ID, WORKFLOW_ID, WorkflowStamp("DAX Breakout", False), NOW)

    assert order.placed_at == NOW
    assert order.expires_at == NOW + RETENTION_SECONDS


def test_to_order_keeps_an_explicit_placed_at() -> None:
    order = make_draft(placed_at=NOW - 60).to_order(ORDER_ID, WORKFLOW_ID, WorkflowStamp("DAX Breakout", False), NOW)

    assert order.placed_at == NOW - 60
    assert order.ttl == NOW - 60 + RETENTION_SECONDS


def test_to_order_copies_every_field_and_the_workflows_stamp() -> None:
    draft = make_draft(
        asset_type=AssetType.ETF,
        trigger_close=Decimal("1.25"),
        execution_context="cli:alice",
        order_direction=OrderDirection.SELL,
        order_type=OrderType.OPEN_STOP,
    )

    order = draft.to_order(ORDER_ID, WORKFLOW_ID, WorkflowStamp("DAX Breakout", True), NOW)

    assert order.id == ORDER_ID
    assert order.workflow_id == WORKFLOW_ID
    assert (order.workflow_name, order.dry_run) == ("DAX Breakout", True)
    assert (order.order_code, order.order_price, order.order_quantity) == (
        "FRA40.I",
        Decimal("7850.25"),
        Decimal("10"),
    )
    assert order.order_direction is OrderDirection.SELL
    assert order.order_type is OrderType.OPEN_STOP
    assert order.asset_type is AssetType.ETF
    assert order.trigger_close == Decimal("1.25")
    assert order.execution_context == "cli:alice"


# is_replay_of


def test_identical_draft_is_a_replay() -> None:
    draft = make_draft(id=ORDER_ID, placed_at=NOW, asset_type=AssetType.STOCK, trigger_close=Decimal("0"))

    assert draft.is_replay_of(stored_from(draft), WORKFLOW_ID)


def test_decimals_are_compared_by_value_for_a_replay() -> None:
    stored = stored_from(make_draft(id=ORDER_ID, order_price=Decimal("10.5"), order_quantity=Decimal("100")))
    replay = make_draft(id=ORDER_ID, order_price=Decimal("10.50"), order_quantity=Decimal("1E+2"))

    assert replay.is_replay_of(stored, WORKFLOW_ID)


def test_omitted_placed_at_matches_any_stored_placed_at() -> None:
    stored = stored_from(make_draft(id=ORDER_ID, placed_at=NOW - 3600))

    assert make_draft(id=ORDER_ID).is_replay_of(stored, WORKFLOW_ID)


def test_a_different_placed_at_is_not_a_replay() -> None:
    stored = stored_from(make_draft(id=ORDER_ID, placed_at=NOW - 3600))

    assert not make_draft(id=ORDER_ID, placed_at=NOW - 3599).is_replay_of(stored, WORKFLOW_ID)


def test_the_same_draft_for_another_workflow_is_not_a_replay() -> None:
    draft = make_draft(id=ORDER_ID)

    assert not draft.is_replay_of(stored_from(draft), OTHER_WORKFLOW_ID)


@pytest.mark.parametrize(
    ("field", "stored_value", "replayed_value"),
    [
        ("order_code", "FRA40.I", "GER40.I"),
        ("order_price", Decimal("1"), Decimal("1.0000001")),
        ("order_quantity", Decimal("2"), Decimal("3")),
        ("order_direction", OrderDirection.BUY, OrderDirection.SELL),
        ("order_type", OrderType.LIMIT, OrderType.OPEN_STOP),
        ("asset_type", AssetType.ETF, AssetType.ETC),
        ("asset_type", AssetType.ETF, None),
        ("asset_type", None, AssetType.ETF),
        ("trigger_close", Decimal("0"), None),
        ("trigger_close", None, Decimal("0")),
        ("trigger_close", Decimal("1"), Decimal("2")),
        ("execution_context", "a", "b"),
        ("execution_context", "a", None),
        ("execution_context", None, "a"),
    ],
)
def test_a_draft_that_differs_in_one_field_is_not_a_replay(
    field: str, stored_value: object, replayed_value: object
) -> None:
    stored = stored_from(make_draft(id=ORDER_ID, **{field: stored_value}))
    replay = make_draft(id=ORDER_ID, **{field: replayed_value})

    assert not replay.is_replay_of(stored, WORKFLOW_ID)
