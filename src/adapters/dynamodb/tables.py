"""Table names, key schemas, and the idempotent creation of the service's five tables.

- `{prefix}workflows`: pk (S). Workflow items `WORKFLOW#<id>` (spec, timestamps, a copy of the
  newest order as `latest` + its sort key `latest_sk`, `deleted` on tombstones) and name guards
  `NAME#<name>` (`owner` = the live workflow that holds the name). Small: scanned to list.
- `{prefix}workflow_orders`: workflow_id (S) + sort_key (S) = f"{placed_at:011d}#{id}", so one
  workflow's orders sort as (placed_at, id) and are read newest first with ScanIndexForward=False.
  After them in each partition, the workflow's order counters by hour (adapters.dynamodb.hour_counts);
  and one marker item of its own (adapters.dynamodb.counter_readiness).
- `{prefix}workflow_order_ids`: id (S) with a full copy of the order: the write-once guard that
  makes an id unique across workflows, and a strongly consistent GetItem by id.
- `{prefix}order_feed`: bucket (S) + key (S): every new order once more, in the order it was
  recorded, for the live stream (adapters.dynamodb.feed).
- `{prefix}orders_by_time`: day (S) + sort_key (S): every order once more, partitioned by the UTC
  day of placed_at, for windows across workflows (adapters.dynamodb.time_index).

Every table: on-demand billing, point-in-time recovery (35 days of restorable history), deletion
protection, DynamoDB TTL on `ttl` (orders: placed_at + 7 days; tombstones: their latest order's
expiry). Reads never rely on TTL having deleted anything.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from adapters.dynamodb.counter_readiness import mark_counters_complete
from adapters.dynamodb.errors import error_code

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import AttributeDefinitionTypeDef, KeySchemaElementTypeDef

TTL_ATTRIBUTE = "ttl"
PITR_ATTEMPTS = 30


@dataclass(frozen=True, slots=True)
class TableNames:
    """The physical names of the five tables under one prefix (e.g. "prod-")."""

    workflows: str
    orders: str
    order_ids: str
    feed: str
    by_time: str

    @classmethod
    def for_prefix(cls, prefix: str) -> TableNames:
        return cls(
            f"{prefix}workflows",
            f"{prefix}workflow_orders",
            f"{prefix}workflow_order_ids",
            f"{prefix}order_feed",
            f"{prefix}orders_by_time",
        )

    def all(self) -> tuple[str, str, str, str, str]:
        return (self.workflows, self.orders, self.order_ids, self.feed, self.by_time)

    def by_operation(self) -> dict[str, tuple[str, ...]]:
        """The tables each storage port call (adapters.storage_calls) reads or writes, its main one
        first: what its trace span names."""
        workflows, orders, order_ids, feed, by_time = self.all()
        return {
            "workflows.add": (workflows,),
            "workflows.get": (workflows,),
            "workflows.replace": (workflows,),
            "workflows.delete": (workflows,),
            "workflows.list": (workflows,),
            "orders.add": (orders, order_ids, by_time, feed, workflows),
            "orders.get": (order_ids,),
            "orders.page": (orders,),
            "orders.latest": (workflows,),
            "orders.window": (by_time,),
            "health.check": (workflows, orders, order_ids, feed, by_time),
            "revisions.of_workflow": (workflows, orders),
            "feed.store_id": (feed,),
            "feed.end": (),
            "feed.read": (feed,),
        }


def key_schemas(names: TableNames) -> dict[str, list[tuple[str, str]]]:
    """Per table: (attribute, HASH|RANGE) pairs; every key attribute is a string."""
    return {
        names.workflows: [("pk", "HASH")],
        names.orders: [("workflow_id", "HASH"), ("sort_key", "RANGE")],
        names.order_ids: [("id", "HASH")],
        names.feed: [("bucket", "HASH"), ("key", "RANGE")],
        names.by_time: [("day", "HASH"), ("sort_key", "RANGE")],
    }


@dataclass(frozen=True, slots=True)
class TableSafety:
    """One table after create-tables: whether it was created, and which protections are on."""

    name: str
    created: bool
    point_in_time_recovery: bool
    deletion_protection: bool
    ttl: bool
    repaired: tuple[str, ...] = ()

    @property
    def safe(self) -> bool:
        return self.point_in_time_recovery and self.deletion_protection and self.ttl

    def __str__(self) -> str:
        def state(on: bool) -> str:
            return "on" if on else "OFF"

        what = f"created {self.name}" if self.created else f"{self.name} already existed"
        line = (
            f"{what}: point-in-time recovery {state(self.point_in_time_recovery)}, "
            f"deletion protection {state(self.deletion_protection)}, TTL on {TTL_ATTRIBUTE} {state(self.ttl)}"
        )
        if self.repaired:
            line += f" (turned on: {', '.join(self.repaired)})"
        elif not self.safe:
            line += " (run create-tables --repair to turn it on)"
        return line


async def create_tables(client: DynamoDBClient, prefix: str, *, repair: bool = False) -> list[TableSafety]:
    """Create whatever is missing of the five tables and wait until each is ACTIVE.

    A new table gets point-in-time recovery, deletion protection and TTL on `ttl`. An existing
    table is left as it is and its protections are reported, unless `repair` turns on the ones
    that are off. Idempotent; returns one TableSafety per table. A new orders table holds no order
    that its hour counters miss: they are marked complete (adapters.dynamodb.counter_readiness).
    """
    report = []
    orders = TableNames.for_prefix(prefix).orders
    for name, keys in key_schemas(TableNames.for_prefix(prefix)).items():
        created = await _ensure_table(client, name, keys)
        safety = await _safety(client, name, created)
        if created or repair:
            safety = await _protect(client, safety)
        if created and name == orders:
            await mark_counters_complete(client, name, now=int(time.time()))
        report.append(safety)
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
                DeletionProtectionEnabled=True,
            )
            created = True
        except ClientError as race:
            if error_code(race) != "ResourceInUseException":  # created by someone else meanwhile
                raise
    await client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 300})
    return created


async def _safety(client: DynamoDBClient, name: str, created: bool) -> TableSafety:
    table = (await client.describe_table(TableName=name))["Table"]
    backups = (await client.describe_continuous_backups(TableName=name))["ContinuousBackupsDescription"]
    pitr = backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
    ttl = (await client.describe_time_to_live(TableName=name)).get("TimeToLiveDescription", {})
    return TableSafety(
        name,
        created,
        point_in_time_recovery=pitr == "ENABLED",
        deletion_protection=bool(table.get("DeletionProtectionEnabled")),
        ttl=ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and ttl.get("AttributeName") == TTL_ATTRIBUTE,
    )


async def _protect(client: DynamoDBClient, safety: TableSafety) -> TableSafety:
    """Turn on each protection that is off; the table must be ACTIVE."""
    name, repaired = safety.name, []
    if not safety.point_in_time_recovery:
        await _enable_pitr(client, name)
        repaired.append("point-in-time recovery")
    if not safety.deletion_protection:
        await client.update_table(TableName=name, DeletionProtectionEnabled=True)
        await client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 300})
        repaired.append("deletion protection")
    if not safety.ttl:
        await client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
        )
        repaired.append("TTL")
    if safety.created:
        repaired = []  # a new table is reported as created, with its protections on
    return TableSafety(name, safety.created, True, True, True, tuple(repaired))


async def _enable_pitr(client: DynamoDBClient, name: str) -> None:
    """AWS may refuse for a short while after a table becomes ACTIVE; wait that out (up to a minute)."""
    for attempt in range(PITR_ATTEMPTS):
        try:
            await client.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )
            return
        except ClientError as error:
            if error_code(error) != "ContinuousBackupsUnavailableException" or attempt == PITR_ATTEMPTS - 1:
                raise
            await asyncio.sleep(2)
