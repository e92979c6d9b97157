"""Table names, key schemas, and the idempotent creation of the service's three tables.

- `{prefix}workflows`: pk (S). Workflow items `WORKFLOW#<id>` (spec, timestamps, a copy of the
  newest order as `latest` + its sort key `latest_sk`, `deleted` on tombstones) and name guards
  `NAME#<name>` (`owner` = the live workflow that holds the name). Small: scanned to list.
- `{prefix}workflow_orders`: workflow_id (S) + sort_key (S) = f"{placed_at:011d}#{id}", so one
  workflow's orders sort as (placed_at, id) and are read newest first with ScanIndexForward=False.
- `{prefix}workflow_order_ids`: id (S) with a full copy of the order: the write-once guard that
  makes an id unique across workflows, and a strongly consistent GetItem by id.

Every table: on-demand billing, DynamoDB TTL on `ttl` (orders: placed_at + 7 days; tombstones:
their latest order's expiry). Reads never rely on TTL having deleted anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from adapters.dynamodb.errors import error_code

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeDefinitionTypeDef, KeySchemaElementTypeDef

TTL_ATTRIBUTE = "ttl"


@dataclass(frozen=True, slots=True)
class TableNames:
    """The physical names of the three tables under one prefix (e.g. "prod-")."""

    workflows: str
    orders: str
    order_ids: str

    @classmethod
    def for_prefix(cls, prefix: str) -> TableNames:
        return cls(f"{prefix}workflows", f"{prefix}workflow_orders", f"{prefix}workflow_order_ids")

    def all(self) -> tuple[str, str, str]:
        return (self.workflows, self.orders, self.order_ids)

    def by_operation(self) -> dict[str, tuple[str, ...]]:
        """The tables each storage port call (adapters.storage_calls) reads or writes, its main one
        first: what its trace span names."""
        workflows, orders, order_ids = self.workflows, self.orders, self.order_ids
        return {
            "workflows.add": (workflows,),
            "workflows.get": (workflows,),
            "workflows.replace": (workflows,),
            "workflows.delete": (workflows,),
            "workflows.list": (workflows,),
            "orders.add": (orders, order_ids, workflows),
            "orders.get": (order_ids,),
            "orders.page": (orders,),
            "orders.has_visible_orders": (orders,),
            "orders.latest": (workflows,),
            "health.check": (workflows, orders, order_ids),
        }


def key_schemas(names: TableNames) -> dict[str, list[tuple[str, str]]]:
    """Per table: (attribute, HASH|RANGE) pairs; every key attribute is a string."""
    return {
        names.workflows: [("pk", "HASH")],
        names.orders: [("workflow_id", "HASH"), ("sort_key", "RANGE")],
        names.order_ids: [("id", "HASH")],
    }


async def create_tables(client: DynamoDBClient, prefix: str) -> list[str]:
    """Create whatever is missing of the three tables, wait until each is ACTIVE, enable TTL on `ttl`.

    Idempotent: an existing table is left as it is (only TTL is enabled if it was off). Returns one
    line per table saying what was done, e.g. "created prod-workflows" or
    "prod-workflows already existed".
    """
    report = []
    for name, keys in key_schemas(TableNames.for_prefix(prefix)).items():
        created = await _ensure_table(client, name, keys)
        ttl_enabled = await _ensure_ttl(client, name)
        line = f"created {name}" if created else f"{name} already existed"
        if ttl_enabled and not created:
            line += f"; enabled TTL on {TTL_ATTRIBUTE}"
        report.append(line)
    return report


async def _ensure_table(client: DynamoDBClient, name: str, keys: list[tuple[str, str]]) -> bool:
    created = False
    try:
        await client.describe_table(TableName=name)
    except ClientError as error:
        if error_code(error) != "ResourceNotFoundException":
            raise
        key_schema: list[KeySchemaElementTypeDef] = [
            {"AttributeName": attribute, "KeyType": "HASH" if kind == "HASH" else "RANGE"} for attribute, kind in keys
        ]
        definitions: list[AttributeDefinitionTypeDef] = [
            {"AttributeName": attribute, "AttributeType": "S"} for attribute, _ in keys
        ]
        try:
            await client.create_table(
                TableName=name,
                KeySchema=key_schema,
                AttributeDefinitions=definitions,
                BillingMode="PAY_PER_REQUEST",
            )
            created = True
        except ClientError as race:
            if error_code(race) != "ResourceInUseException":  # created by someone else meanwhile
                raise
    await client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 300})
    return created


async def _ensure_ttl(client: DynamoDBClient, name: str) -> bool:
    described = await client.describe_time_to_live(TableName=name)
    status = described.get("TimeToLiveDescription", {}).get("TimeToLiveStatus")
    if status in ("ENABLED", "ENABLING"):
        return False
    await client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )
    return True
