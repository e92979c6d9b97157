"""Pure conversions between SQLite rows and domain entities (orders, workflows)."""

from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any

from adapters.order_fields import ORDER_FIELDS, OrderField, members_by_value, public_name
from adapters.spec_json import DecodedWorkflows, spec_to_json
from adapters.stored_orders import trusted_order_reader
from domain.model.order import WorkflowOrder
from domain.model.workflow import Workflow

Row = tuple[Any, ...]
Codec = tuple[Callable[[Any], Any] | None, Callable[[Any], Any] | None]

_CODECS: dict[type, Codec] = {str: (None, None), int: (None, None), Decimal: (str, Decimal)}
"""How each kind of value is written to a column and read back (None: as it is): decimals as their
canonical text, text and integers as they are; enums are stored by value."""


def _codec(field: OrderField) -> Codec:
    if issubclass(field.kind, Enum):
        return attrgetter("value"), members_by_value(field.kind).__getitem__
    return _CODECS[field.kind]


ORDER_COLUMNS: tuple[str, ...] = tuple(public_name(field.name) for field in ORDER_FIELDS)
"""The columns of `orders` that hold an order's fields, in the order of order_to_row and order_from_row."""

_ORDER_VALUES = attrgetter(*(field.name for field in ORDER_FIELDS))
_ENCODERS = tuple(
    (position, encode) for position, (encode, _) in enumerate(map(_codec, ORDER_FIELDS)) if encode is not None
)
_READ_ORDER = trusted_order_reader({field.name: _codec(field)[1] for field in ORDER_FIELDS})


def order_to_row(order: WorkflowOrder) -> Row:
    """Decimals as their canonical text, enums by value, absent optionals as NULL."""
    row = list(_ORDER_VALUES(order))
    for position, encode in _ENCODERS:
        if (value := row[position]) is not None:
            row[position] = encode(value)
    return tuple(row)


def order_from_row(row: Sequence[Any]) -> WorkflowOrder:
    """The inverse of order_to_row, for rows this adapter wrote (see adapters.stored_orders)."""
    return _READ_ORDER(row)


def workflow_to_row(workflow: Workflow) -> Row:
    """id, name, enable, spec, created_at, updated_at: name and enable are copied out of the spec
    so the engine can index and filter them."""
    return (
        workflow.id,
        workflow.spec.name,
        int(workflow.spec.enable),
        spec_to_json(workflow.spec),
        workflow.created_at,
        workflow.updated_at,
    )


def workflow_from_row(row: Sequence[Any], decoded: DecodedWorkflows) -> Workflow:
    """The inverse of workflow_to_row; the spec JSON is the source of truth for every spec field."""
    workflow_id, _name, _enable, spec, created_at, updated_at = row
    return decoded.workflow(workflow_id, spec, created_at, updated_at)
