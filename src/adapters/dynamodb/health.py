"""Storage readiness for DynamoDB: one cheap read on each table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.dynamodb.concurrency import all_of
from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.tables import TableNames, key_schemas
from ports.health import StorageHealth

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

_NO_SUCH_KEY = "health-check"


class DynamoDbStorageHealth(StorageHealth):
    """StorageHealth: a GetItem of a key that never exists on each of the tables, concurrently.
    A missing table counts as unavailable: the service cannot serve without it.
    """

    def __init__(self, client: DynamoDBClient, tables: TableNames) -> None:
        self._client = client
        self._keys = key_schemas(tables)

    async def check(self) -> None:
        await all_of(*(self._probe(table, keys) for table, keys in self._keys.items()))

    async def _probe(self, table: str, keys: list[tuple[str, str]]) -> None:
        async with storage_errors("health check"):
            await self._client.get_item(TableName=table, Key={attribute: {"S": _NO_SUCH_KEY} for attribute, _ in keys})
