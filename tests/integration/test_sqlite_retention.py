"""Expired orders are purged from the SQLite file (the in-process counterpart of DynamoDB's TTL)."""

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from litestar.testing import TestClient

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.retention import purge_expired, purge_periodically
from adapters.sqlite.workflows import SqliteWorkflowRepository
from app.factory import create_app
from app.settings import Settings
from builders import NOW, count_of, live_workflow, make_order
from domain.model.history import HistoryFilter
from domain.model.order import RETENTION_SECONDS

EXPIRED_AT_NOW = NOW - RETENTION_SECONDS  # expires_at == NOW: no longer visible at NOW
LAST_VISIBLE = NOW - RETENTION_SECONDS + 1


def stored_ids(path: str) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT id FROM orders")}
    finally:
        connection.close()


async def seed(path: str, expired: int, visible: int) -> tuple[set[str], set[str]]:
    database = await SqliteDatabase.open(path)
    try:
        workflow = await live_workflow(SqliteWorkflowRepository(database))
        orders = SqliteOrderRepository(database)
        old = [make_order(workflow, placed_at=EXPIRED_AT_NOW - i) for i in range(expired)]
        new = [make_order(workflow, placed_at=LAST_VISIBLE + i) for i in range(visible)]
        for order in old + new:
            await orders.add(order)
        return {o.id for o in old}, {o.id for o in new}
    finally:
        await database.close()


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "orders.db")


async def test_a_purge_deletes_exactly_the_orders_expired_at_now_in_batches(path: str) -> None:
    expired, visible = await seed(path, expired=7, visible=2)
    database = await SqliteDatabase.open(path)
    try:
        assert await purge_expired(database, NOW, batch=3) == 7
        assert await purge_expired(database, NOW, batch=3) == 0
    finally:
        await database.close()

    assert stored_ids(path) == visible
    assert expired.isdisjoint(stored_ids(path))


async def test_what_a_purge_deletes_was_already_invisible(path: str) -> None:
    _, visible = await seed(path, expired=3, visible=3)
    database = await SqliteDatabase.open(path)
    try:
        workflow_id = (await SqliteWorkflowRepository(database).list())[0].id
        orders = SqliteOrderRepository(database)
        before = (await orders.page(workflow_id, HistoryFilter(), now=NOW, limit=100), await orders.latest(now=NOW))
        await purge_expired(database, NOW)
        after = (await orders.page(workflow_id, HistoryFilter(), now=NOW, limit=100), await orders.latest(now=NOW))
    finally:
        await database.close()

    assert after == before
    assert {order.id for order in after[0].orders} == visible
    assert after[0].total_count == 3


async def test_once_purged_an_expired_orders_id_can_be_recorded_again(path: str) -> None:
    database = await SqliteDatabase.open(path)
    try:
        workflow = await live_workflow(SqliteWorkflowRepository(database))
        orders = SqliteOrderRepository(database)
        gone = make_order(workflow, placed_at=EXPIRED_AT_NOW)
        await orders.add(gone)
        await purge_expired(database, NOW)

        again = make_order(workflow, placed_at=NOW, order_id=gone.id)
        await orders.add(again)

        assert await orders.get(gone.id) == again
        assert await count_of(orders, workflow.id, HistoryFilter(), now=NOW) == 1
    finally:
        await database.close()


async def test_the_periodic_purge_survives_a_storage_that_refuses_and_stops_when_cancelled(path: str) -> None:
    database = await SqliteDatabase.open(path)
    await database.close()  # every call now raises StorageUnavailableError

    class Clock:
        calls = 0

        def now(self) -> int:
            Clock.calls += 1
            return NOW

    purging = asyncio.create_task(purge_periodically(database, Clock(), every=0.01))
    await asyncio.sleep(0.2)
    assert not purging.done(), purging
    purging.cancel()
    with pytest.raises(asyncio.CancelledError):
        await purging
    assert Clock.calls >= 3  # it went on trying after the refusals


async def test_a_pass_that_fails_for_any_other_reason_is_retried_at_the_next_one(path: str) -> None:
    expired, visible = await seed(path, expired=2, visible=1)

    class FailingOnceClock:
        calls = 0

        def now(self) -> int:
            FailingOnceClock.calls += 1
            if FailingOnceClock.calls == 1:
                raise RuntimeError("a bug in the first pass")
            return NOW

    database = await SqliteDatabase.open(path)
    purging = asyncio.create_task(purge_periodically(database, FailingOnceClock(), every=0.01))
    try:
        for _ in range(200):
            if FailingOnceClock.calls >= 2 and stored_ids(path) == visible:
                break
            await asyncio.sleep(0.01)
        assert not purging.done(), purging
    finally:
        purging.cancel()
        await asyncio.gather(purging, return_exceptions=True)
        await database.close()

    assert stored_ids(path) == visible
    assert expired.isdisjoint(stored_ids(path))


async def seed_around_the_real_now(path: str) -> tuple[str, str]:
    """An order that expired an hour ago and a fresh one, by the real clock (the service's)."""
    real_now = int(time.time())
    database = await SqliteDatabase.open(path)
    try:
        workflow = await live_workflow(SqliteWorkflowRepository(database))
        orders = SqliteOrderRepository(database)
        expired = make_order(workflow, placed_at=real_now - RETENTION_SECONDS - 3600)
        fresh = make_order(workflow, placed_at=real_now - 60)
        await orders.add(expired)
        await orders.add(fresh)
        return expired.id, fresh.id
    finally:
        await database.close()


def test_the_service_purges_expired_orders_when_it_starts(path: str) -> None:
    expired, fresh = asyncio.run(seed_around_the_real_now(path))

    with TestClient(create_app(Settings(sqlite_path=path))) as client:
        deadline = time.monotonic() + 10
        while expired in stored_ids(path) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.get(f"/v1/orders/{fresh}").status_code == 200

    assert stored_ids(path) == {fresh}
