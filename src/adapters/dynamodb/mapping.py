"""Pure translation between orders and DynamoDB low-level items; the typed scalars every item uses."""

from __future__ import annotations

from decimal import Context, Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from adapters.stored_orders import ASSET_TYPE_BY_VALUE, DIRECTION_BY_VALUE, TYPE_BY_VALUE, trusted_stored_order
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from domain.model.rules import MAX_SIGNIFICANT_DIGITS, canonical_decimal

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.type_defs import AttributeValueTypeDef

AttributeValue: TypeAlias = "AttributeValueTypeDef"
Item: TypeAlias = "dict[str, AttributeValueTypeDef]"

_WIDE = Context(prec=200)
MAX_PLACED_AT = 10**11 - 1


# --- scalars -------------------------------------------------------------------------------


def s(value: str) -> AttributeValue:
    return {"S": value}


def n(value: Decimal | int) -> AttributeValue:
    """An exact number: the decimal's own digits as a string, never through float."""
    if isinstance(value, int):
        return {"N": str(value)}
    if len(value.as_tuple().digits) <= MAX_SIGNIFICANT_DIGITS:
        return {"N": str(value)}
    # A whole number such as 9.99E+125 written out in full has more than 38 digits (trailing zeros)
    return {"N": str(value.normalize(_WIDE))}


def boolean(value: bool) -> AttributeValue:
    return {"BOOL": value}


def read_s(item: Any, name: str) -> str:
    return str(item[name]["S"])


def read_id(item: Any, name: str) -> Id:
    """An id this service stored (always in canonical form)."""
    return Id(item[name]["S"])


def read_int(item: Any, name: str) -> int:
    return int(Decimal(item[name]["N"]))


def read_decimal(item: Any, name: str) -> Decimal:
    return Decimal(item[name]["N"])


def read_optional_s(item: Any, name: str) -> str | None:
    return str(item[name]["S"]) if name in item else None


def read_optional_decimal(item: Any, name: str) -> Decimal | None:
    return Decimal(item[name]["N"]) if name in item else None


# --- keys ----------------------------------------------------------------------------------


def order_sort_key(placed_at: int, order_id: Id) -> str:
    """Sorts as (placed_at, id): fixed-width seconds, then the id as the tie-break."""
    if not 0 <= placed_at <= MAX_PLACED_AT:
        raise ValueError(f"placed_at {placed_at} is outside the storable range")
    return f"{placed_at:011d}#{order_id}"


def sort_key_floor(placed_at: int) -> str:
    """Sorts before every order placed at this second and after every earlier one."""
    return f"{placed_at:011d}#"


def sort_key_ceiling(placed_at: int) -> str:
    """Sorts after every order placed at this second and before every later one."""
    return f"{placed_at:011d}#~"


# --- orders --------------------------------------------------------------------------------


def order_to_item(order: WorkflowOrder) -> Item:
    """Every field of the order; optional fields are absent when None (0 is kept)."""
    item: Item = {
        "id": s(order.id),
        "workflow_id": s(order.workflow_id),
        "workflow_name": s(order.workflow_name),
        "placed_at": n(order.placed_at),
        "order_code": s(order.order_code),
        "order_price": n(order.order_price),
        "order_quantity": n(order.order_quantity),
        "order_direction": s(order.order_direction.value),
        "order_type": s(order.order_type.value),
        "ttl": n(order.ttl),
    }
    if order.asset_type is not None:
        item["asset_type"] = s(order.asset_type.value)
    if order.trigger_close is not None:
        item["trigger_close"] = n(order.trigger_close)
    if order.execution_context is not None:
        item["execution_context"] = s(order.execution_context)
    return item


def item_to_order(item: Any) -> WorkflowOrder:
    """The order stored in an item (extra attributes such as keys are ignored).

    It was validated when it was recorded, so it is rebuilt without the checks (see
    adapters.stored_orders); decimals are brought back to their canonical form, whatever form the
    engine answers numbers in.
    """
    asset_type = read_optional_s(item, "asset_type")
    trigger_close = read_optional_decimal(item, "trigger_close")
    return trusted_stored_order(
        read_id(item, "id"),
        read_id(item, "workflow_id"),
        read_s(item, "workflow_name"),
        read_int(item, "placed_at"),
        read_s(item, "order_code"),
        canonical_decimal(read_decimal(item, "order_price")),
        canonical_decimal(read_decimal(item, "order_quantity")),
        DIRECTION_BY_VALUE[read_s(item, "order_direction")],
        TYPE_BY_VALUE[read_s(item, "order_type")],
        read_int(item, "ttl"),
        None if asset_type is None else ASSET_TYPE_BY_VALUE[asset_type],
        None if trigger_close is None else canonical_decimal(trigger_close),
        read_optional_s(item, "execution_context"),
    )
