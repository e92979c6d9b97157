"""Whether the hour counters include every order: a marker item in the orders table.

`create-tables` writes the marker when it creates the orders table (nothing to count yet), and the
backfill (adapters.dynamodb.count_backfill) when it has counted the orders a release from before the
counters recorded. Without it, history counts read every matching order, as before the counters:
slower, never wrong.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.mapping import n, s

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

MARKER_KEY = {"workflow_id": s("#counters"), "sort_key": s("complete")}
"""Not a workflow's partition: workflow ids are UUIDs."""
RECHECK_SECONDS = 30.0


async def mark_counters_complete(client: DynamoDBClient, table: str, *, now: int) -> None:
    await client.put_item(TableName=table, Item={**MARKER_KEY, "since": n(now)})


async def counters_complete(client: DynamoDBClient, table: str) -> bool:
    async with storage_errors("order count"):
        response = await client.get_item(TableName=table, Key=MARKER_KEY, ConsistentRead=True)
    return "Item" in response


class CountersReadiness:
    """The marker as this process last saw it. Once present it stays (nothing removes it), so it
    is read until it is found, at most once per RECHECK_SECONDS, and never again after."""

    def __init__(self, client: DynamoDBClient, table: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._client, self._table, self._clock = client, table, clock
        self._complete = False
        self._checked_at: float | None = None

    async def complete(self) -> bool:
        if self._complete:
            return True
        if self._checked_at is not None and self._clock() - self._checked_at < RECHECK_SECONDS:
            return False
        self._complete = await counters_complete(self._client, self._table)
        self._checked_at = self._clock()
        return self._complete
