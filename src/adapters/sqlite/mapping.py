"""Pure conversions between SQLite rows and domain entities (orders, workflows)."""

import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from adapters.spec_json import spec_from_json, spec_to_json
from domain.model.enums import ASSET_TYPES, ORDER_DIRECTIONS, ORDER_TYPES
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

WORKFLOW_COLUMNS: tuple[str, ...] = ("id", "name", "enable", "spec", "created_at", "updated_at")
"""The columns of `workflows` a live workflow is read from and written to, in row order."""

Row = tuple[Any, ...]


def order_to_row(order: WorkflowOrder) -> Row:
    """Decimals as their canonical text, enums by value, absent optionals as NULL, ids lowercase."""
    return (
        order.id.lower(),
        order.workflow_id.lower(),
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
    """The inverse of order_to_row."""
    (
        order_id,
        workflow_id,
        workflow_name,
        placed_at,
        order_code,
        order_price,
        order_quantity,
        order_direction,
        order_type,
        expires_at,
        asset_type,
        trigger_close,
        execution_context,
    ) = row
    return WorkflowOrder.restore(
        order_id,
        workflow_id,
        workflow_name,
        placed_at,
        order_code,
        Decimal(order_price),
        Decimal(order_quantity),
        ORDER_DIRECTIONS[order_direction],
        ORDER_TYPES[order_type],
        expires_at,
        None if asset_type is None else ASSET_TYPES[asset_type],
        None if trigger_close is None else Decimal(trigger_close),
        execution_context,
    )


def workflow_to_row(workflow: Workflow) -> Row:
    """Name and enable are copied out of the spec so the engine can index and filter them."""
    return (
        workflow.id.lower(),
        workflow.spec.name,
        int(workflow.spec.enable),
        spec_to_json(workflow.spec),
        workflow.created_at,
        workflow.updated_at,
    )


WORKFLOWS_REMEMBERED = 4096
"""Decoded workflows kept by their row: more than the live workflows of any deployment we know."""


@functools.lru_cache(maxsize=WORKFLOWS_REMEMBERED)
def workflow_from_row(row: tuple[Any, ...]) -> Workflow:
    """The inverse of workflow_to_row; the spec JSON is the source of truth for every spec field.

    A Workflow is immutable and a row determines it, so each stored row decodes once and later
    reads of it share the value.
    """
    workflow_id, _name, _enable, spec, created_at, updated_at = row
    return Workflow(id=workflow_id, spec=spec_from_json(spec), created_at=created_at, updated_at=updated_at)
