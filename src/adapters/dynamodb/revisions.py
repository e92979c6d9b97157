"""Workflow revisions in DynamoDB: one GetItem and one Query of at most one item, sent together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.dynamodb.concurrency import both
from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.history_query import history_query
from adapters.dynamodb.mapping import read_int, read_s
from adapters.dynamodb.workflow_mapping import WORKFLOW_ATTRIBUTES, item_to_workflow
from adapters.dynamodb.workflows import read_workflow_item
from adapters.spec_json import DecodedWorkflows
from domain.model.history import HistoryFilter, Position
from domain.model.ids import Id
from domain.model.workflow import Workflow
from ports.revisions import Revisions, WorkflowRevision

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

_ATTRIBUTES = (*WORKFLOW_ATTRIBUTES, "deleted", "recorded")


class DynamoDbRevisions(Revisions):
    """The workflow item (strongly consistent, without its latest-order copy) gives the workflow and
    its `recorded` count; the workflow's orders partition, read oldest first from the visibility
    bound with Limit 1, gives the oldest visible order. Both cost O(1) whatever the data."""

    def __init__(self, client: DynamoDBClient, *, workflows_table: str, orders_table: str) -> None:
        self._client, self._workflows, self._orders = client, workflows_table, orders_table
        self._decoded = DecodedWorkflows()

    async def of_workflow(self, workflow_id: Id, *, now: int) -> WorkflowRevision:
        (workflow, recorded), oldest = await both(self._workflow(workflow_id), self._oldest(workflow_id, now))
        return WorkflowRevision(workflow, recorded, oldest)

    async def _workflow(self, workflow_id: Id) -> tuple[Workflow | None, int]:
        item = await read_workflow_item(self._client, self._workflows, workflow_id, _ATTRIBUTES)
        if item is None:
            return None, 0
        recorded = read_int(item, "recorded") if "recorded" in item else 0
        return (None if "deleted" in item else item_to_workflow(item, self._decoded)), recorded

    async def _oldest(self, workflow_id: Id, now: int) -> Position | None:
        request: dict[str, Any] | None = history_query(self._orders, workflow_id, HistoryFilter(), now, None)
        if request is None:
            return None
        # The key condition starts at the visibility bound, so the `ttl > now` filter removes
        # nothing and one item read is the oldest visible order.
        request |= {"ScanIndexForward": True, "Limit": 1, "ProjectionExpression": "#sort_key"}
        async with storage_errors("workflow revision"):
            response = await self._client.query(**request)
        items = response.get("Items", [])
        if not items:
            return None
        placed_at, order_id = read_s(items[0], "sort_key").split("#", 1)
        return Position(int(placed_at), Id(order_id))
