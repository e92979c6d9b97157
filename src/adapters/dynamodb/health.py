"""Storage readiness for DynamoDB: one cheap read on each table."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.tables import TableNames, key_schemas
from domain.model.errors import StorageUnavailableError

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

DEFAULT_TIMEOUT_SECONDS = 3.0
_NO_SUCH_KEY = "health-check"


class DynamoDbStorageHealth:
    """StorageHealth: a GetItem of a key that never exists on each of the three tables, concurrently,
    under one deadline. A missing table counts as unavailable: the service cannot serve without it.
    """

    def __init__(
        self,
        client: DynamoDBClient,
        *,
        workflows_table: str,
        orders_table: str,
        order_ids_table: str,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self._client, self._timeout = client, timeout_seconds
        self._keys = key_schemas(TableNames(workflows_table, orders_table, order_ids_table))

    async def check(self) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                await asyncio.gather(*(self._probe(table, keys) for table, keys in self._keys.items()))
        except TimeoutError as error:
            raise StorageUnavailableError("The storage did not answer in time.") from error

    async def _probe(self, table: str, keys: list[tuple[str, str]]) -> None:
        async with storage_errors("health check"):
            await self._client.get_item(TableName=table, Key={attribute: {"S": _NO_SUCH_KEY} for attribute, _ in keys})
