"""One TransactWriteItems call: conflicts retried, condition failures handed back as reasons."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from adapters.dynamodb.errors import (
    CONDITION_FAILED,
    RETRYABLE_REASONS,
    cancellation_reasons,
    storage_errors,
)
from domain.model.errors import StorageUnavailableError

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

CONFLICT_ATTEMPTS = 6
_BASE_DELAY = 0.02

Reasons = list[dict[str, Any]]


def failed(reasons: Reasons, position: int) -> bool:
    """True when the item at `position` of the transaction failed its condition."""
    return position < len(reasons) and reasons[position].get("Code") == CONDITION_FAILED


def old_item(reasons: Reasons, position: int) -> dict[str, Any] | None:
    """The item as it was when its condition failed (needs ReturnValuesOnConditionCheckFailure=ALL_OLD);
    None when no such item existed."""
    item = reasons[position].get("Item") if position < len(reasons) else None
    return dict(item) if item else None


async def transact(client: DynamoDBClient, items: Sequence[TransactWriteItemTypeDef], operation: str) -> Reasons | None:
    """Write `items` atomically. None when written; the cancellation reasons when a condition failed.

    A cancellation caused only by a concurrent transaction on the same item or by throttling is
    retried with jittered backoff (botocore does not retry those); when it persists the storage
    counts as unavailable.
    """
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            async with storage_errors(operation):
                await client.transact_write_items(TransactItems=list(items))
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons is None:
                raise
            codes = {reason.get("Code") for reason in reasons}
            if CONDITION_FAILED in codes:
                return reasons
            if not codes & RETRYABLE_REASONS:
                raise
            await asyncio.sleep(random.uniform(0, _BASE_DELAY * 2**attempt))
        else:
            return None
    raise StorageUnavailableError(f"The storage stayed busy ({operation}); try again shortly.")
