"""Workflows in DynamoDB: one item per workflow plus a name guard item per live workflow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.expressions import ABSENT, live, names
from adapters.dynamodb.mapping import boolean, n, read_s, s
from adapters.dynamodb.scans import scanned_items
from adapters.dynamodb.transactions import CONFLICT_ATTEMPTS, failed, transact
from adapters.dynamodb.workflow_mapping import (
    SPEC_ATTRIBUTES,
    WORKFLOW_ATTRIBUTES,
    WORKFLOW_KIND,
    item_to_workflow,
    name_guard_item,
    name_pk,
    spec_to_attributes,
    workflow_pk,
    workflow_to_item,
)
from adapters.spec_json import DecodedWorkflows
from domain.model.errors import (
    ConflictError,
    StorageUnavailableError,
    WorkflowNameTakenError,
    WorkflowNotFoundError,
)
from domain.model.ids import Id
from domain.model.workflow import Workflow
from ports.workflows import WorkflowRepository

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef


class DynamoDbWorkflowRepository(WorkflowRepository):
    """WorkflowRepository on the workflows table.

    A name is reserved by a guard item `NAME#<name>` written, moved or deleted in the same
    transaction as the workflow item, so names are unique among live workflows. Deleting leaves a
    tombstone (`deleted`) that keeps the workflow's latest-order copy for OrderRepository.latest;
    the tombstone's `ttl` is that order's expiry, so DynamoDB TTL removes it when it no longer
    matters. Listing is a paginated, strongly consistent Scan of this small table. Each stored
    form of a workflow is decoded once (DecodedWorkflows).
    """

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client, self._table = client, table_name
        self._decoded = DecodedWorkflows()

    async def add(self, workflow: Workflow) -> None:
        items: list[TransactWriteItemTypeDef] = [
            {"Put": {"TableName": self._table, "Item": workflow_to_item(workflow),
                     "ConditionExpression": ABSENT, "ExpressionAttributeNames": names("pk")}},
            {"Put": {"TableName": self._table, "Item": name_guard_item(workflow.name, workflow.id),
                     "ConditionExpression": ABSENT, "ExpressionAttributeNames": names("pk")}},
        ]  # fmt: skip
        reasons = await transact(self._client, items, "add workflow")
        if reasons is None:
            return
        if failed(reasons, 1):
            raise WorkflowNameTakenError(workflow.name)
        raise ConflictError(f"A workflow with id {workflow.id} already exists.")

    async def get(self, workflow_id: Id) -> Workflow | None:
        item = await self._read(workflow_id, WORKFLOW_ATTRIBUTES)
        return None if item is None else item_to_workflow(item, self._decoded)

    async def replace(self, workflow: Workflow) -> None:
        spec = spec_to_attributes(workflow.spec)
        update = "SET " + ", ".join(f"#{a} = :{a}" for a in (*SPEC_ATTRIBUTES, "updated_at"))
        for _ in range(CONFLICT_ATTEMPTS):
            current = await self._read(workflow.id, ("name",))
            if current is None:
                raise WorkflowNotFoundError(workflow.id)
            old_name = read_s(current, "name")
            items: list[TransactWriteItemTypeDef] = [
                {"Update": {
                    "TableName": self._table,
                    "Key": {"pk": s(workflow_pk(workflow.id))},
                    "UpdateExpression": update,
                    "ConditionExpression": live(":old_name"),
                    "ExpressionAttributeNames": names("pk", "deleted", "updated_at", *SPEC_ATTRIBUTES),
                    "ExpressionAttributeValues": {f":{a}": spec[a] for a in SPEC_ATTRIBUTES}
                    | {":updated_at": n(workflow.updated_at), ":old_name": s(old_name)},
                }},
            ]  # fmt: skip
            if workflow.name != old_name:
                items += self._move_name(workflow.id, old_name, workflow.name)
            reasons = await transact(self._client, items, "replace workflow")
            if reasons is None:
                return
            if not failed(reasons, 0) and failed(reasons, 2):
                raise WorkflowNameTakenError(workflow.name)
            # Deleted or renamed since it was read: the next round reads it again and decides.
        raise StorageUnavailableError("The workflow kept changing while being replaced; try again shortly.")

    async def delete(self, workflow_id: Id, *, now: int) -> None:
        for _ in range(CONFLICT_ATTEMPTS):
            current = await self._read(workflow_id, ("name",))
            if current is None:
                raise WorkflowNotFoundError(workflow_id)
            name = read_s(current, "name")
            items: list[TransactWriteItemTypeDef] = [
                {"Update": {
                    "TableName": self._table,
                    "Key": {"pk": s(workflow_pk(workflow_id))},
                    # The tombstone matters as long as its latest order is visible; without one,
                    # TTL may remove it at once (TTL skips items more than 5 years overdue).
                    "UpdateExpression": "SET #deleted = :true, #ttl = if_not_exists(#latest.#ttl, :now)",
                    "ConditionExpression": live(":name"),
                    "ExpressionAttributeNames": names("pk", "deleted", "name", "ttl", "latest"),
                    "ExpressionAttributeValues": {":true": boolean(True), ":now": n(now),
                                                  ":name": s(name)},
                }},
                self._release_name(workflow_id, name),
            ]  # fmt: skip
            if await transact(self._client, items, "delete workflow") is None:
                return
        raise StorageUnavailableError("The workflow kept changing while being deleted; try again shortly.")

    async def _read(self, workflow_id: Id, attributes: tuple[str, ...]) -> dict[str, Any] | None:
        """The live workflow item (strongly consistent) with these attributes, or None."""
        item = await read_workflow_item(self._client, self._table, workflow_id, (*attributes, "deleted"))
        return None if item is None or "deleted" in item else item

    def _release_name(self, workflow_id: Id, name: str) -> TransactWriteItemTypeDef:
        return {"Delete": {"TableName": self._table, "Key": {"pk": s(name_pk(name))},
                           "ConditionExpression": "#owner = :owner",
                           "ExpressionAttributeNames": names("owner"),
                           "ExpressionAttributeValues": {":owner": s(workflow_id)}}}  # fmt: skip

    def _move_name(self, workflow_id: Id, old: str, new: str) -> list[TransactWriteItemTypeDef]:
        return [
            self._release_name(workflow_id, old),
            {"Put": {"TableName": self._table, "Item": name_guard_item(new, workflow_id),
                     "ConditionExpression": ABSENT, "ExpressionAttributeNames": names("pk")}},
        ]  # fmt: skip

    async def list(self, enable: bool | None = None) -> list[Workflow]:
        values: dict[str, Any] = {":kind": s(WORKFLOW_KIND)}
        condition = "#kind = :kind AND attribute_not_exists(#deleted)"
        if enable is not None:
            condition += " AND #enable = :enable"
            values[":enable"] = boolean(enable)
        request: dict[str, Any] = {
            "TableName": self._table,
            "ConsistentRead": True,
            "ProjectionExpression": ", ".join(f"#{a}" for a in WORKFLOW_ATTRIBUTES),
            "FilterExpression": condition,
            "ExpressionAttributeNames": names("kind", "deleted", *WORKFLOW_ATTRIBUTES),
            "ExpressionAttributeValues": values,
        }
        workflows = [
            item_to_workflow(item, self._decoded)
            async for item in scanned_items(self._client, request, "list workflows")
        ]
        return sorted(workflows, key=lambda w: w.name)


async def read_workflow_item(
    client: DynamoDBClient, table: str, workflow_id: Id, attributes: tuple[str, ...]
) -> dict[str, Any] | None:
    """The workflow's item, live or tombstone, with these attributes (a strongly consistent GetItem),
    or None when there is none."""
    async with storage_errors("get workflow"):
        response = await client.get_item(
            TableName=table,
            Key={"pk": s(workflow_pk(workflow_id))},
            ConsistentRead=True,
            ProjectionExpression=", ".join(f"#{a}" for a in attributes),
            ExpressionAttributeNames=names(*attributes),
        )
    item = response.get("Item")
    return None if item is None else dict(item)
