"""Pure translation between orders and DynamoDB low-level items; the typed scalars every item uses."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Context, Decimal
from enum import Enum
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, TypeAlias

from adapters.order_fields import ORDER_FIELDS, OrderField, members_by_value
from adapters.stored_orders import trusted_order_reader
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


def _read_int(value: Any) -> int:
    return int(Decimal(value["N"]))


def _read_canonical_decimal(value: Any) -> Decimal:
    """Whatever form the engine answers numbers in, the order's decimals are canonical."""
    return canonical_decimal(Decimal(value["N"]))


_CODECS: dict[type, tuple[Callable[[Any], AttributeValue], Callable[[Any], Any]]] = {
    str: (s, itemgetter("S")),
    int: (n, _read_int),
    Decimal: (n, _read_canonical_decimal),
}
"""How each kind of value is written as an attribute and read back; enums are stored by value."""


def _codec(field: OrderField) -> tuple[Callable[[Any], AttributeValue], Callable[[Any], Any]]:
    if issubclass(field.kind, Enum):
        by_value = members_by_value(field.kind)
        return (lambda member: {"S": member.value}), (lambda value: by_value[value["S"]])
    return _CODECS[field.kind]


# Attributes are named as the order's fields (`ttl` is the one the table's expiry reads). Required
# ones come first, so that an item is read with one itemgetter that raises if one is missing.

_ATTRIBUTES = tuple(field.name for field in ORDER_FIELDS)
_ORDER_VALUES = attrgetter(*_ATTRIBUTES)
_ENCODERS = tuple(_codec(field)[0] for field in ORDER_FIELDS)
_REQUIRED_VALUES = itemgetter(*(field.name for field in ORDER_FIELDS if not field.optional))
_OPTIONAL = tuple(field.name for field in ORDER_FIELDS if field.optional)
_READ_ORDER = trusted_order_reader({field.name: _codec(field)[1] for field in ORDER_FIELDS})


def order_to_item(order: WorkflowOrder) -> Item:
    """Every field of the order; optional fields are absent when None (0 is kept)."""
    return {
        name: encode(value)
        for name, encode, value in zip(_ATTRIBUTES, _ENCODERS, _ORDER_VALUES(order), strict=True)
        if value is not None
    }


def item_to_order(item: Any) -> WorkflowOrder:
    """The order stored in an item (extra attributes such as keys are ignored).

    It was validated when it was recorded, so it is rebuilt without the checks (see
    adapters.stored_orders); decimals are brought back to their canonical form, whatever form the
    engine answers numbers in.
    """
    return _READ_ORDER((*_REQUIRED_VALUES(item), *map(item.get, _OPTIONAL)))
