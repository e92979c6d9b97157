"""What the client's tests share: tokens, valid requests, and `Driver`, which calls either client alike.

A test written once runs with the blocking client and with the asyncio one: `Driver` calls a client
method by name and, for the async client, runs it on a loop of its own thread.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

from reliability.reliability_proxies import BackgroundLoop
from workflow_orders_client import (
    AsyncWorkflowOrdersClient,
    CloseBody,
    ConditionBody,
    IndicatorBody,
    RetryPolicy,
    TriggerBody,
    WorkflowOrdersClient,
    WorkflowRequest,
)

WRITE_TOKEN, READ_TOKEN = "client-write-token", "client-read-token"
TOKENS = {WRITE_TOKEN: "write", READ_TOKEN: "read"}
FAST_RETRIES = RetryPolicy(attempts=3, backoff_base=0.01, backoff_cap=0.05)
"""Retries that keep tests quick; a Retry-After from the service is capped at 0.05 s."""


def workflow_request(name: str | None = None, **overrides: Any) -> WorkflowRequest:
    """A valid workflow with a unique name unless one is given."""
    fields: dict[str, Any] = {
        "name": name or f"client test {uuid.uuid4().hex[:8]}",
        "index": "DAX.I",
        "cfd": "GER40.I",
        "conditions": [
            ConditionBody(
                indicator=IndicatorBody(name="zone", ut="h1", value=Decimal("18250.5"), zone_value=Decimal(25)),
                close=CloseBody(direction="above", ut="15m", spread=Decimal("0.5")),
            )
        ],
        "trigger": TriggerBody(
            ut="15m", signal="breakout", location="higher", order_direction="BUY", quantity=Decimal(10)
        ),
    }
    return WorkflowRequest(**(fields | overrides))


def order_fields(**overrides: Any) -> dict[str, Any]:
    """The keyword arguments of a valid record_order call."""
    fields: dict[str, Any] = {
        "order_code": "FRA40.I",
        "order_price": Decimal("7850.25"),
        "order_quantity": Decimal(10),
        "order_direction": "BUY",
        "order_type": "LIMIT",
    }
    return fields | overrides


class Driver:
    """Calls one client's methods by name and gives plain results, whichever client it is."""

    def __init__(self, client: WorkflowOrdersClient | AsyncWorkflowOrdersClient, loop: BackgroundLoop | None) -> None:
        self.client, self._loop = client, loop

    @property
    def kind(self) -> str:
        return "sync" if self._loop is None else "async"

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, method)(*args, **kwargs)
        return result if self._loop is None else self._loop.run(result)

    def collect_in_background(self, method: str, count: int, **kwargs: Any) -> Background:
        """The first `count` items of an iterating method (stream_orders), taken on another thread
        as they come; the iteration then stops (and the client closes its connection)."""
        items = getattr(self.client, method)(**kwargs)
        if self._loop is None:
            return Background(lambda sink: _take(items, count, sink))
        loop = self._loop
        return Background(lambda sink: loop.run(_take_async(items, count, sink), timeout=120.0))

    def collect(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Every item of an iterating method (iter_history), as a list."""
        items = getattr(self.client, method)(*args, **kwargs)
        return list(items) if self._loop is None else self._loop.run(_gather(items))


async def _gather(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]


class Background:
    """Items produced on a thread of their own; `taken` is how many so far, `result` all of them."""

    def __init__(self, produce: Any) -> None:
        self._items: queue.Queue[Any] = queue.Queue()
        self._failure: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(produce,), daemon=True)
        self._thread.start()

    def _run(self, produce: Any) -> None:
        try:
            produce(self._items.put)
        except BaseException as error:  # handed to the test by result()
            self._failure.append(error)

    @property
    def taken(self) -> int:
        return self._items.qsize()

    def result(self, timeout: float = 60.0) -> list[Any]:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"still waiting after {timeout} s, with {self.taken} items"
        if self._failure:
            raise self._failure[0]
        return [self._items.get_nowait() for _ in range(self._items.qsize())]


def _take(items: Iterator[Any], count: int, sink: Any) -> None:
    for number, item in enumerate(items, start=1):
        sink(item)
        if number == count:
            break


async def _take_async(items: AsyncIterator[Any], count: int, sink: Any) -> None:
    number = 0
    async for item in items:
        sink(item)
        number += 1
        if number == count:
            break
