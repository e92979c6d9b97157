"""Reading a whole (small) table: a Scan followed page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.errors import storage_errors

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient


async def scanned_items(client: DynamoDBClient, request: dict[str, Any], operation: str) -> AsyncIterator[Any]:
    """Every item the Scan `request` matches, one response page at a time (memory: one page)."""
    request = dict(request)
    while True:
        async with storage_errors(operation):
            response = await client.scan(**request)
        for item in response.get("Items", []):
            yield item
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
