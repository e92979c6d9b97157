"""The feed of recorded orders on DynamoDB: a table written in the order's own transaction.

Item: bucket (S) = the recording time's 5-minute bucket, key (S) = f"{recorded_ms:013d}#{order id}",
and a copy of the order (with its `ttl`, so DynamoDB deletes the entry with the order).

DynamoDB gives no commit order: two instances may stamp keys t1 < t2 and commit t2 first. Readers
therefore only read keys older than SETTLE_SECONDS; a transaction that commits later than that
after its stamp (a slow retry) writes the order once more under a fresh key (`announce_late`), and
the subscribers' reader skips an id it already handed out. Idle, each instance that has
subscribers sends one Query per POLL_SECONDS (two when the read crosses a bucket boundary), with
one subscriber or a thousand. The trade-offs are in docs/dynamodb.md.

The store id comes from the feed table's description (its ARN, id and creation time): a table
restored from point-in-time recovery, or deleted and created again, is another store.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.expressions import names
from adapters.dynamodb.mapping import item_to_order, n, s
from domain.model.errors import InvalidEventIdError
from domain.model.feed import FeedBatch, FeedEntry, FeedPosition
from domain.model.ids import Id
from ports.feed import OrderFeed

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

    from domain.model.order import WorkflowOrder

SETTLE_SECONDS = 1.0
"""How old an entry's key must be before it is read: longer than an order's transaction takes
from its stamp to its commit, retries by the SDK included."""
ANNOUNCE_AGAIN_AFTER_SECONDS = 0.8 * SETTLE_SECONDS
"""A commit acknowledged this long after its stamp may have come after a reader passed the stamp
(the margin below SETTLE_SECONDS covers clock differences between instances)."""
POLL_SECONDS = 0.5
BUCKET_MS = 300_000
BUCKETS_PER_READ = 12
"""A read from an old position walks at most this many buckets (an hour) per call, so that each
call stays well inside the storage deadline."""
_KEY = re.compile(r"\d{13}#([0-9a-f-]{36}|~)")


def wall_clock_ms() -> int:
    """Milliseconds since the epoch: the feed's keys need finer time than the domain's seconds."""
    return time.time_ns() // 1_000_000


def feed_key(recorded_ms: int, order_id: Id) -> str:
    return f"{recorded_ms:013d}#{order_id}"


def boundary(ms: int) -> FeedPosition:
    """The position after every entry stamped at `ms` or earlier."""
    return FeedPosition(f"{ms:013d}#~")


def store_id_of(table: Mapping[str, Any]) -> str:
    """The store id of a feed table, from its DescribeTable description: the same for as long as
    the table lives, another one for a table of the same name created again. Parts a server leaves
    out (moto has no TableId) count as empty."""
    created = table.get("CreationDateTime")
    parts = (str(table.get("TableArn", "")), str(table.get("TableId", "")), "" if created is None else str(created))
    return "dynamodb:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def stamped_ms(position: FeedPosition) -> int:
    if not _KEY.fullmatch(position.key):
        raise InvalidEventIdError()  # signed by us, so only possible with another storage's id
    return int(position.key[:13])


class FeedWriter:
    """The feed entries of `add()`: one in its transaction, one more when it committed late."""

    def __init__(self, client: DynamoDBClient, table: str, clock_ms: Callable[[], int] = wall_clock_ms) -> None:
        self._client, self._table, self._clock_ms = client, table, clock_ms
        self._last_stamp = 0

    def stamp(self) -> int:
        """A key time for a new entry: the clock, but always after this writer's previous stamp,
        so that the orders one process records in turn are read in that order."""
        self._last_stamp = max(self._clock_ms(), self._last_stamp + 1)
        return self._last_stamp

    def put(self, order: WorkflowOrder, item: dict[str, Any], recorded_ms: int) -> TransactWriteItemTypeDef:
        return {"Put": {"TableName": self._table, "Item": self._entry(order, item, recorded_ms)}}

    async def announce_late(self, order: WorkflowOrder, item: dict[str, Any], stamped: int) -> None:
        """After a commit that may have come after readers passed its key, write the entry again
        under a fresh key (readers skip the copy when they did see the first)."""
        if self._clock_ms() - stamped < ANNOUNCE_AGAIN_AFTER_SECONDS * 1000:
            return
        async with storage_errors("announce late order"):
            await self._client.put_item(TableName=self._table, Item=self._entry(order, item, self.stamp()))

    @staticmethod
    def _entry(order: WorkflowOrder, item: dict[str, Any], recorded_ms: int) -> dict[str, Any]:
        return {**item, "bucket": s(str(recorded_ms // BUCKET_MS)), "key": s(feed_key(recorded_ms, order.id))}


class DynamoDbOrderFeed(OrderFeed):
    delay_seconds = 2 * (SETTLE_SECONDS + POLL_SECONDS)
    """Settling, then the next poll; a late commit's repeat, written right after it, settles likewise."""

    def __init__(self, client: DynamoDBClient, table: str, clock_ms: Callable[[], int] = wall_clock_ms) -> None:
        self._client, self._table, self._clock_ms = client, table, clock_ms
        self._store_id: str | None = None

    async def store_id(self) -> str:
        if self._store_id is None:
            async with storage_errors("describe order feed"):
                answer = await self._client.describe_table(TableName=self._table)
            self._store_id = store_id_of(answer["Table"])
        return self._store_id

    def _settled_ms(self) -> int:
        return self._clock_ms() - int(SETTLE_SECONDS * 1000)

    async def end(self) -> FeedPosition:
        return boundary(self._settled_ms())

    async def position_at(self, instant: int) -> FeedPosition:
        """Keys are stamped in milliseconds when the order's write begins: that is when it was recorded."""
        return min(boundary(instant * 1000 - 1), await self.end())

    async def read(self, after: FeedPosition, *, now: int, limit: int) -> FeedBatch:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        settled = boundary(self._settled_ms())
        first_bucket = stamped_ms(after) // BUCKET_MS
        last_bucket = min(stamped_ms(settled) // BUCKET_MS, first_bucket + BUCKETS_PER_READ - 1)
        entries: list[FeedEntry] = []
        for bucket in range(first_bucket, last_bucket + 1):
            upper = min(settled, boundary((bucket + 1) * BUCKET_MS - 1))
            if upper <= after:
                continue
            entries += await self._query(bucket, after, upper, now, limit - len(entries))
            if len(entries) >= limit:
                return FeedBatch(entries, entries[-1].position)
            after = upper
        return FeedBatch(entries, after)  # every bucket read through to its upper bound

    async def _query(
        self, bucket: int, after: FeedPosition, upper: FeedPosition, now: int, limit: int
    ) -> list[FeedEntry]:
        """Visible entries with after < key <= upper in one bucket, oldest first, at most `limit`."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "ConsistentRead": True,
            "KeyConditionExpression": "#bucket = :bucket AND #key BETWEEN :after AND :upper",
            "FilterExpression": "#ttl > :now",
            "ExpressionAttributeNames": names("bucket", "key", "ttl"),
            "ExpressionAttributeValues": {
                ":bucket": s(str(bucket)),
                ":after": s(after.key),
                ":upper": s(upper.key),
                ":now": n(now),
            },
        }
        entries: list[FeedEntry] = []
        while True:
            async with storage_errors("read order feed"):
                answer = await self._client.query(**request)
            for item in answer.get("Items", []):
                position = FeedPosition(item["key"]["S"])
                if position > after:  # BETWEEN includes `after` itself
                    entries.append(FeedEntry(position, item_to_order(item)))
                    if len(entries) == limit:
                        return entries
            if "LastEvaluatedKey" not in answer:
                return entries
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    async def changed(self) -> None:
        await asyncio.sleep(POLL_SECONDS)
