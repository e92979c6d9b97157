"""Pure conversions between SQLite rows and domain entities (orders, workflows)."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from adapters.spec_json import DecodedWorkflows, spec_to_json
from adapters.stored_orders import ASSET_TYPE_BY_VALUE, DIRECTION_BY_VALUE, TYPE_BY_VALUE, trusted_stored_order
from domain.model.order import WorkflowOrder
from domain.model.workflow import Workflow

ORDER_COLUMNS: tuple[str, ...] = (
    "id",
    "workflow_id",
    "workflow_name",
    "placed_at",
    "order_code",
    "order_price",
    "order_quantity",
    "order_direction",
    "order_type",
    "expires_at",
    "asset_type",
    "trigger_close",
    "execution_context",
)
"""The columns of `orders`, in the order of order_to_row and order_from_row."""

Row = tuple[Any, ...]


def order_to_row(order: WorkflowOrder) -> Row:
    """Decimals as their canonical text, enums by value, absent optionals as NULL."""
    return (
        order.id,
        order.workflow_id,
        order.workflow_name,
        order.placed_at,
        order.order_code,
        str(order.order_price),
        str(order.order_quantity),
        order.order_direction.value,
        order.order_type.value,
        order.expires_at,
        None if order.asset_type is None else order.asset_type.value,
        None if order.trigger_close is None else str(order.trigger_close),
        order.execution_context,
    )


def order_from_row(row: Sequence[Any]) -> WorkflowOrder:
    """The inverse of order_to_row, for rows this adapter wrote (see adapters.stored_orders)."""
    order_id, workflow_id, name, placed_at, code, price, quantity, direction, kind, expires, asset, close, context = row
    return trusted_stored_order(
        order_id,
        workflow_id,
        name,
        placed_at,
        code,
        Decimal(price),
        Decimal(quantity),
        DIRECTION_BY_VALUE[direction],
        TYPE_BY_VALUE[kind],
        expires,
        None if asset is None else ASSET_TYPE_BY_VALUE[asset],
        None if close is None else Decimal(close),
        context,
    )


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
