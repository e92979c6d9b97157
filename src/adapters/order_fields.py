"""WorkflowOrder's fields as the adapters' formats see them, read off the dataclass itself.

Storage rows and items, HTTP rows and export lines follow this one list by name; each format says
only what differs in it: a field's name there, how each kind of value is encoded.
"""

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any

from domain.model.order import WorkflowOrder


@dataclass(frozen=True, slots=True)
class OrderField:
    """One field of WorkflowOrder: its name, its type as declared, the kind of value it holds (a
    str, int, Decimal or an enum class; an Id is a str) and whether it may be None."""

    name: str
    type: Any
    kind: type
    optional: bool


def _order_field(name: str, hint: Any) -> OrderField:
    is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    members = typing.get_args(hint) if is_union else (hint,)
    (kind,) = (member for member in members if member is not types.NoneType)
    while isinstance(kind, typing.NewType):
        kind = kind.__supertype__
    return OrderField(name, hint, kind, types.NoneType in members)


def _order_fields() -> tuple[OrderField, ...]:
    hints = typing.get_type_hints(WorkflowOrder)
    order_fields = (_order_field(field.name, hints[field.name]) for field in fields(WorkflowOrder))
    return tuple(sorted(order_fields, key=lambda field: field.optional))


ORDER_FIELDS = _order_fields()
"""Every field of WorkflowOrder: the required ones first, so that a format can list the optional
ones last (as defaults, or to read them apart); otherwise in the dataclass's order, which no format
depends on."""

PUBLIC_NAMES = {"ttl": "expires_at"}
"""Fields named otherwise in the API, the export file and the SQLite table: `ttl` is the
DynamoDB attribute that the engine's expiry reads; everywhere else it is the order's expiry."""

FIELD_OF_PUBLIC_NAME = {public: name for name, public in PUBLIC_NAMES.items()}


def public_name(name: str) -> str:
    return PUBLIC_NAMES.get(name, name)


def field_name(public: str) -> str:
    """The WorkflowOrder field that `public` names."""
    return FIELD_OF_PUBLIC_NAME.get(public, public)


def members_by_value(kind: type[Enum]) -> dict[Any, Enum]:
    """Enum members by value: a dict lookup is several times cheaper than calling the enum."""
    return {member.value: member for member in kind}


def check_every_field(names: Iterable[str], where: str) -> None:
    """Raises TypeError unless `names` (field names of WorkflowOrder) name every field exactly once."""
    names = list(names)
    expected = [field.name for field in ORDER_FIELDS]
    if sorted(names) != sorted(expected):
        missing, extra = set(expected) - set(names), set(names) - set(expected)
        raise TypeError(f"{where} must name every field of WorkflowOrder once; missing {missing}, unknown {extra}")
