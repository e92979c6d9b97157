"""Export and import on DynamoDB: workflows (tombstones included) and orders, written back as they were."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.expressions import ABSENT, names
from adapters.dynamodb.mapping import boolean, item_to_order, n, order_to_item, s
from adapters.dynamodb.order_steps import WRITER, is_newer
from adapters.dynamodb.orders import DynamoDbOrderRepository
from adapters.dynamodb.scans import scanned_items
from adapters.dynamodb.transactions import CONFLICT_ATTEMPTS, failed, old_item, transact
from adapters.dynamodb.workflow_mapping import (
    WORKFLOW_ATTRIBUTES,
    WORKFLOW_KIND,
    item_to_workflow,
    name_guard_item,
    workflow_to_item,
)
from adapters.spec_json import DecodedWorkflows
from domain.model.errors import StorageUnavailableError, WorkflowNotFoundError
from domain.model.history import HistoryFilter, Position
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from ports.archive import ArchivedWorkflow, OrderBatch, Restored, StorageArchive

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

_EXISTS = "attribute_exists(#pk)"


class DynamoDbArchive(StorageArchive):
    """StorageArchive on the three tables.

    Workflows: a Scan of the workflows table; a tombstone counts while its `latest` copy is
    visible. A restored tombstone gets `ttl` = keep_until, as a deletion sets it to its newest
    order's expiry. Orders: the same Query as history pages, without the count; restored with the
    same transaction as OrderRepository.add, except that the workflow may be a tombstone and is
    not required to carry the order's captured name.
    """

    def __init__(self, client: DynamoDBClient, workflows_table: str, orders: DynamoDbOrderRepository) -> None:
        self._client, self._table, self._orders = client, workflows_table, orders
        self._decoded = DecodedWorkflows()

    async def workflows(self, *, now: int) -> list[ArchivedWorkflow]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "ConsistentRead": True,
            "ProjectionExpression": ", ".join(f"#{a}" for a in (*WORKFLOW_ATTRIBUTES, "deleted")),
            "FilterExpression": "#kind = :kind AND (attribute_not_exists(#deleted) OR #latest.#ttl > :now)",
            "ExpressionAttributeNames": names("kind", "deleted", "latest", "ttl", *WORKFLOW_ATTRIBUTES),
            "ExpressionAttributeValues": {":kind": s(WORKFLOW_KIND), ":now": n(now)},
        }
        found = [self._archived(item) async for item in scanned_items(self._client, request, "export workflows")]
        return sorted(found, key=lambda archived: (archived.workflow.created_at, archived.workflow.id))

    def _archived(self, item: Any) -> ArchivedWorkflow:
        return ArchivedWorkflow(item_to_workflow(item, self._decoded), deleted="deleted" in item)

    async def orders(self, workflow_id: Id, *, now: int, limit: int, after: Position | None) -> OrderBatch:
        found, next_position = await self._orders.orders_after(workflow_id, HistoryFilter(), now, limit, after)
        return OrderBatch(found, next_position)

    async def restore_workflow(self, archived: ArchivedWorkflow, *, keep_until: int) -> Restored:
        workflow = archived.workflow
        item = workflow_to_item(workflow)
        if archived.deleted:
            item |= {"deleted": boolean(True), "ttl": n(keep_until)}
        items: list[TransactWriteItemTypeDef] = [
            {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": ABSENT,
                     "ExpressionAttributeNames": names("pk"), "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        ]  # fmt: skip
        if not archived.deleted:
            items.append(
                {"Put": {"TableName": self._table, "Item": name_guard_item(workflow.name, workflow.id),
                         "ConditionExpression": ABSENT, "ExpressionAttributeNames": names("pk")}},
            )  # fmt: skip
        reasons = await transact(self._client, items, "import workflow")
        if reasons is None:
            return Restored.CREATED
        stored = old_item(reasons, 0)
        if failed(reasons, 0) and stored is not None and self._archived(stored) == archived:
            return Restored.PRESENT
        return Restored.CONFLICT  # another workflow under this id, or its name is taken

    async def restore_order(self, order: WorkflowOrder) -> Restored:
        write_token = uuid.uuid4().hex
        item = {**order_to_item(order), WRITER: s(write_token)}
        take_latest = True
        for _ in range(CONFLICT_ATTEMPTS):
            step = self._orders.steps.workflow_step(order, item, take_latest, _EXISTS, {}, {})
            writes = self._orders.steps.order_writes(order, item)
            reasons = await transact(self._client, [step, *writes], "import order")
            if reasons is None:
                return Restored.CREATED
            if failed(reasons, 1) or failed(reasons, 2):
                stored = old_item(reasons, 2)
                if await self._orders.written_by(order.id, write_token, stored):
                    return Restored.CREATED
                existing = item_to_order(stored) if stored is not None else await self._orders.get(order.id)
                return Restored.PRESENT if existing == order else Restored.CONFLICT
            workflow = old_item(reasons, 0)
            if workflow is None:
                raise WorkflowNotFoundError(order.workflow_id)
            take_latest = is_newer(order, workflow)
        raise StorageUnavailableError("The workflow kept changing while importing; try again shortly.")
