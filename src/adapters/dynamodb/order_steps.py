"""The steps of the transaction that writes an order: the Update of its workflow item (count it, maybe
take it as the latest, under a condition), the Puts of the order (by workflow, by id, by time) and
the Update of its hour's counter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.dynamodb.expressions import live, names
from adapters.dynamodb.hour_counts import COUNTED, order_counter_update
from adapters.dynamodb.mapping import boolean, n, order_sort_key, read_s, s
from adapters.dynamodb.time_index import by_time_put
from adapters.dynamodb.workflow_mapping import workflow_pk
from adapters.spec_json import dry_run_member
from domain.model.order import WorkflowOrder

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

NEWER = "(attribute_not_exists(#latest_sk) OR #latest_sk < :sk)"
WRITER = "writer"
"""Attribute naming the add() call that wrote an order, so a retried write recognises itself."""


class OrderWriteSteps:
    """Builds the steps; the caller sends them (DynamoDbOrderRepository.add, and the import)."""

    def __init__(self, *, orders_table: str, order_ids_table: str, workflows_table: str, by_time_table: str) -> None:
        self._orders, self._ids, self._workflows = orders_table, order_ids_table, workflows_table
        self._by_time = by_time_table

    def workflow_step(
        self,
        order: WorkflowOrder,
        item: dict[str, Any],
        take_latest: bool,
        condition: str,
        attribute_names: dict[str, str],
        values: dict[str, Any],
    ) -> TransactWriteItemTypeDef:
        """The transaction's step on the order's workflow item: `condition` must hold (it may use
        #pk and `attribute_names`); the workflow's count of recorded orders grows by one, and with
        `take_latest` the order becomes the workflow's latest unless a newer one is there. On
        failure, the item comes back with the reasons."""
        update = "ADD #recorded :one"
        step: dict[str, Any] = {
            "TableName": self._workflows,
            "Key": {"pk": s(workflow_pk(order.workflow_id))},
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names("pk", "recorded") | attribute_names,
            "ExpressionAttributeValues": values | {":one": n(1)},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if take_latest:
            update = f"SET #latest = :order, #latest_sk = :sk {update}"
            step["ConditionExpression"] += f" AND {NEWER}"
            step["ExpressionAttributeNames"] |= names("latest", "latest_sk")
            step["ExpressionAttributeValues"] |= {
                ":order": {"M": item},
                ":sk": s(order_sort_key(order.placed_at, order.id)),
            }
        step["UpdateExpression"] = update
        return {"Update": step}  # type: ignore[typeddict-item]

    def order_writes(self, order: WorkflowOrder, item: dict[str, Any]) -> list[TransactWriteItemTypeDef]:
        """The transaction's four writes of the order: in its workflow's partition (marked as
        counted), by id (the write-once guard; on failure, the stored order comes back with the
        reasons), in the time index's day partition (adapters.dynamodb.time_index), and one more in
        its hour's counter (adapters.dynamodb.hour_counts)."""
        sort_key = order_sort_key(order.placed_at, order.id)
        return [
            {"Put": {"TableName": self._orders, "Item": {**item, "sort_key": s(sort_key), COUNTED: boolean(True)},
                     "ConditionExpression": "attribute_not_exists(#sort_key)",
                     "ExpressionAttributeNames": names("sort_key")}},
            {"Put": {"TableName": self._ids, "Item": item,
                     "ConditionExpression": "attribute_not_exists(#id)",
                     "ExpressionAttributeNames": names("id"),
                     "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            by_time_put(self._by_time, order, item),
            order_counter_update(self._orders, order),
        ]  # fmt: skip


def stamped_as(order: WorkflowOrder) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The condition (with its names and values) that the order's workflow item is live and still
    stamps orders as `order` is stamped: its name, and its spec's dry_run (see dry_run_member)."""
    condition = f"{live(':name')} AND contains(#spec, :dry_run)"
    values = {":name": s(order.workflow_name), ":dry_run": s(dry_run_member(order.dry_run))}
    return condition, names("deleted", "name", "spec"), values


def stamps_as(workflow: dict[str, Any], order: WorkflowOrder) -> bool:
    """True when the workflow item stamps orders as `order` is stamped (as stamped_as checks)."""
    return read_s(workflow, "name") == order.workflow_name and dry_run_member(order.dry_run) in read_s(workflow, "spec")


def is_newer(order: WorkflowOrder, workflow: dict[str, Any]) -> bool:
    """True when `order` sorts after the latest order recorded on this workflow item (if any)."""
    return "latest_sk" not in workflow or read_s(workflow, "latest_sk") < order_sort_key(order.placed_at, order.id)
