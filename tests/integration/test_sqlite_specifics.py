"""What the SQLite adapter promises beyond the port contract: index-only request paths,
durability across reopen, faults surfacing as StorageUnavailableError, and its threading."""

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.feed import FeedSignal, SqliteOrderFeed
from adapters.sqlite.health import SqliteStorageHealth
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.schema import STORE_TABLE, VERSION_1
from adapters.sqlite.workflows import SqliteWorkflowRepository
from adapters.storage_calls import StorageCalls
from adapters.telemetry.metrics import Metrics
from builders import NOW, count_of, make_order, make_workflow, new_id
from domain.model.enums import OrderDirection
from domain.model.errors import DuplicateOrderIdError, StorageUnavailableError
from domain.model.history import HistoryFilter, Position
from domain.model.order import WorkflowOrder

EVERYTHING = HistoryFilter()


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "orders.db")


@pytest.fixture
async def database(path: str) -> AsyncIterator[SqliteDatabase]:
    database = await SqliteDatabase.open(path)
    yield database
    await database.close()


@contextmanager
def held_exclusive_lock(path: str) -> Iterator[None]:
    """Another connection (another process, say) holding the write lock until the block ends."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


class Stuck:
    """A database call that does not return until released: a stuck engine call."""

    def __init__(self) -> None:
        self.entered, self.released = threading.Event(), threading.Event()

    def __call__(self, _: sqlite3.Connection) -> None:
        self.entered.set()
        self.released.wait()

    async def wait_until_entered(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, 10), "the stuck call never started"


# --- Every request path is a key lookup or an index range read --------------------------------


async def traced_statements(path: str, call: Callable[[SqliteDatabase], Awaitable[Any]]) -> list[str]:
    """The SQL (with bound values) that `call` runs, seen through SQLite's own trace hook."""
    statements: list[str] = []

    def trace(connection: sqlite3.Connection) -> None:
        connection.set_trace_callback(statements.append)

    database = await SqliteDatabase.open(path, readers=1)  # one reader: one connection to trace
    try:
        await database.read(trace)
        await database.write(trace)
        statements.clear()
        await call(database)
    finally:
        await database.close()
    return [s for s in statements if s.split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")]


def query_plan(path: str, statement: str) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statement)]
    finally:
        connection.close()


async def seed(path: str) -> tuple[str, WorkflowOrder]:
    database = await SqliteDatabase.open(path)
    try:
        workflows, orders = SqliteWorkflowRepository(database), SqliteOrderRepository(database)
        for name in ("a", "b", "c"):
            await workflows.add(make_workflow(name))
        workflow = make_workflow("seeded")
        await workflows.add(workflow)
        placed = [
            make_order(workflow, placed_at=NOW - i, direction=OrderDirection(d))
            for i, d in enumerate(["BUY", "SELL"] * 20)
        ]
        for order in placed:
            await orders.add(order)
        return workflow.id, placed[5]
    finally:
        await database.close()


def orders_of(database: SqliteDatabase) -> SqliteOrderRepository:
    return SqliteOrderRepository(database)


def workflows_of(database: SqliteDatabase) -> SqliteWorkflowRepository:
    return SqliteWorkflowRepository(database)


REQUEST_PATHS: dict[str, Callable[[SqliteDatabase, str, WorkflowOrder], Awaitable[Any]]] = {
    "order get": lambda db, _w, o: orders_of(db).get(o.id),
    "page": lambda db, w, _o: orders_of(db).page(w, EVERYTHING, now=NOW, limit=20),
    "page after a position": lambda db, w, o: orders_of(db).page(
        w, EVERYTHING, now=NOW, limit=20, after=Position(o.placed_at, o.id)
    ),
    "page by direction and dates": lambda db, w, o: orders_of(db).page(
        w,
        HistoryFilter(since=NOW - 30, until=NOW - 2, direction=OrderDirection.SELL),
        now=NOW,
        limit=5,
        after=Position(o.placed_at, o.id),
    ),
    "latest": lambda db, _w, _o: orders_of(db).latest(now=NOW),
    "order add": lambda db, w, _o: orders_of(db).add(make_order(make_workflow("seeded", workflow_id=w))),
    "workflow replace": lambda db, w, _o: workflows_of(db).replace(make_workflow("renamed", workflow_id=w)),
    "workflow get": lambda db, w, _o: workflows_of(db).get(w),
    "workflow delete": lambda db, w, _o: workflows_of(db).delete(w, now=NOW),
    "health": lambda db, _w, _o: SqliteStorageHealth(db).check(),
}


@pytest.mark.parametrize("request_path", REQUEST_PATHS.values(), ids=REQUEST_PATHS.keys())
async def test_request_paths_read_orders_and_workflows_through_an_index_only(
    path: str, request_path: Callable[[SqliteDatabase, str, WorkflowOrder], Awaitable[Any]]
) -> None:
    workflow_id, order = await seed(path)

    statements = await traced_statements(path, lambda database: request_path(database, workflow_id, order))

    assert statements
    for statement in statements:
        plan = query_plan(path, statement)
        assert not [step for step in plan if step.startswith("SCAN") or "TEMP B-TREE" in step], (statement, plan)


@pytest.mark.parametrize("enable", [None, True, False])
async def test_listing_workflows_reads_the_live_name_index_in_order(path: str, enable: bool | None) -> None:
    await seed(path)

    statements = await traced_statements(path, lambda database: workflows_of(database).list(enable))

    assert [query_plan(path, statement) for statement in statements] == [
        ["SCAN workflows USING INDEX workflows_live_name"]
    ]


# --- Durability and the schema --------------------------------------------------------------------


async def test_data_survives_closing_and_reopening_the_file(path: str) -> None:
    database = await SqliteDatabase.open(path)
    workflow = make_workflow("Durable")
    order = make_order(workflow, trigger_close="0")
    await workflows_of(database).add(workflow)
    await orders_of(database).add(order)
    await database.close()

    reopened = await SqliteDatabase.open(path)
    try:
        assert await workflows_of(reopened).get(workflow.id) == workflow
        assert await orders_of(reopened).get(order.id) == order
        assert (await orders_of(reopened).latest(now=NOW)).orders == [order]
    finally:
        await reopened.close()


async def test_two_databases_opening_one_new_file_at_once_share_one_schema(path: str) -> None:
    first, second = await asyncio.gather(SqliteDatabase.open(path), SqliteDatabase.open(path))
    try:
        workflow = make_workflow()
        await workflows_of(first).add(workflow)

        assert await workflows_of(second).get(workflow.id) == workflow
    finally:
        await first.close()
        await second.close()


async def store_id_of(database: SqliteDatabase) -> str:
    return await SqliteOrderFeed(database, FeedSignal()).store_id()


async def test_a_file_made_before_store_ids_gets_one_on_open_the_same_for_every_opener_and_kept(path: str) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as earlier_version:
        for statement in VERSION_1[: VERSION_1.index(STORE_TABLE)]:
            earlier_version.execute(statement)

    first, second = await asyncio.gather(SqliteDatabase.open(path), SqliteDatabase.open(path))
    try:
        store = await store_id_of(first)
        assert await store_id_of(second) == store
    finally:
        await first.close()
        await second.close()
    reopened = await SqliteDatabase.open(path)
    try:
        assert await store_id_of(reopened) == store
    finally:
        await reopened.close()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT COUNT(*) FROM store").fetchone() == (1,)


async def test_the_file_is_in_wal_mode(database: SqliteDatabase) -> None:
    def journal_mode(connection: sqlite3.Connection) -> str:
        mode: str = connection.execute("PRAGMA journal_mode").fetchone()[0]
        return mode

    assert await database.read(journal_mode) == "wal"


# --- Faults become StorageUnavailableError ------------------------------------------------------


@pytest.fixture
def path_under_a_file(tmp_path: Path) -> str:
    (tmp_path / "plain-file").write_text("not a directory")
    return str(tmp_path / "plain-file" / "orders.db")


@pytest.fixture
def not_a_database(path: str) -> str:
    Path(path).write_bytes(b"this is not an SQLite database file, just text" * 100)
    return path


@pytest.fixture
def empty_database(path: str) -> str:
    sqlite3.connect(path).close()
    return path


async def test_opening_a_file_under_a_path_that_is_a_file_raises_storage_unavailable(
    path_under_a_file: str,
) -> None:
    with pytest.raises(StorageUnavailableError):
        await SqliteDatabase.open(path_under_a_file)


async def test_opening_a_directory_raises_storage_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StorageUnavailableError):
        await SqliteDatabase.open(str(tmp_path))


async def test_opening_a_file_that_is_not_a_database_raises_storage_unavailable(not_a_database: str) -> None:
    with pytest.raises(StorageUnavailableError):
        await SqliteDatabase.open(not_a_database)


async def test_opening_a_file_locked_by_another_connection_raises_storage_unavailable(
    empty_database: str,
) -> None:
    with held_exclusive_lock(empty_database), pytest.raises(StorageUnavailableError):
        await SqliteDatabase.open(empty_database, busy_timeout=0.05)


async def test_writes_while_another_connection_holds_the_lock_raise_storage_unavailable_and_write_nothing(
    path: str,
) -> None:
    database = await SqliteDatabase.open(path, busy_timeout=0.05)
    try:
        workflow = make_workflow()
        await workflows_of(database).add(workflow)
        blocked = make_workflow("Blocked")

        with held_exclusive_lock(path):
            with pytest.raises(StorageUnavailableError):
                await workflows_of(database).add(blocked)
            with pytest.raises(StorageUnavailableError):
                await orders_of(database).add(make_order(workflow))
            # WAL: readers are not blocked by the writer's lock.
            assert await workflows_of(database).list() == [workflow]

        assert await workflows_of(database).get(blocked.id) is None
        await workflows_of(database).add(blocked)
        assert await workflows_of(database).get(blocked.id) == blocked
    finally:
        await database.close()


async def test_a_call_stuck_past_its_deadline_raises_storage_unavailable_and_then_the_thread_serves_again(
    path: str,
) -> None:
    database = await SqliteDatabase.open(path, readers=1)
    calls = StorageCalls(Metrics(), deadline=0.5)
    stuck = Stuck()
    try:
        with pytest.raises(StorageUnavailableError):
            await calls.run("stuck", database.read(stuck))
    finally:
        stuck.released.set()
    try:
        await SqliteStorageHealth(database).check()  # on the one reader thread, now free again
    finally:
        await database.close()


async def test_a_write_queued_behind_a_stuck_write_times_out_and_never_runs(path: str) -> None:
    database = await SqliteDatabase.open(path)
    calls = StorageCalls(Metrics(), deadline=0.2)
    stuck = Stuck()
    workflow = make_workflow()
    try:
        results = await asyncio.gather(
            calls.run("stuck", database.write(stuck)),
            calls.run("add", workflows_of(database).add(workflow)),
            return_exceptions=True,
        )
        assert [type(result) for result in results] == [StorageUnavailableError] * 2
    finally:
        stuck.released.set()
        await database.close()  # waits for the stuck write; the queued add was cancelled

    reopened = await SqliteDatabase.open(path)
    try:
        assert await workflows_of(reopened).get(workflow.id) is None
    finally:
        await reopened.close()


# --- Choices the port leaves open -------------------------------------------------------------------


async def test_a_taken_id_is_reported_before_a_deleted_workflow(database: SqliteDatabase) -> None:
    """So that RecordOrder answers a replay racing a delete with the stored order, as the API says."""
    workflow = make_workflow()
    await workflows_of(database).add(workflow)
    stored = make_order(workflow)
    await orders_of(database).add(stored)
    await workflows_of(database).delete(workflow.id, now=NOW)

    with pytest.raises(DuplicateOrderIdError):
        await orders_of(database).add(make_order(workflow, order_id=stored.id))


# --- Threading: one writer, concurrent readers ------------------------------------------------------


async def test_reads_proceed_while_a_write_transaction_is_open(database: SqliteDatabase) -> None:
    workflow = make_workflow()
    await workflows_of(database).add(workflow)
    stuck = Stuck()
    write = asyncio.ensure_future(database.write(stuck))  # holds BEGIN IMMEDIATE until released
    try:
        await stuck.wait_until_entered()
        assert await workflows_of(database).list() == [workflow]
        await SqliteStorageHealth(database).check()
    finally:
        stuck.released.set()
        await write


async def test_concurrent_adds_never_interleave(database: SqliteDatabase) -> None:
    workflow = make_workflow()
    await workflows_of(database).add(workflow)
    orders = [make_order(workflow, placed_at=NOW - i % 7) for i in range(60)]
    duplicate_id = new_id()
    same_id = [make_order(workflow, order_id=duplicate_id, placed_at=NOW - i) for i in range(5)]

    results = await asyncio.gather(
        *(orders_of(database).add(order) for order in [*orders, *same_id]), return_exceptions=True
    )

    assert results[: len(orders)] == [None] * len(orders)
    assert sorted(type(result).__name__ for result in results[len(orders) :]) == sorted(
        ["NoneType"] + [DuplicateOrderIdError.__name__] * 4
    )
    kept = await orders_of(database).get(duplicate_id)
    assert kept in same_id
    assert await count_of(orders_of(database), workflow.id, EVERYTHING, now=NOW) == len(orders) + 1
    newest = max([*orders, kept], key=lambda order: order.sort_key)
    assert (await orders_of(database).latest(now=NOW)).orders == [newest]


async def test_close_waits_for_calls_in_progress_and_can_be_repeated(path: str) -> None:
    database = await SqliteDatabase.open(path)
    workflow = make_workflow()
    add = asyncio.ensure_future(workflows_of(database).add(workflow))
    await asyncio.sleep(0)  # let the add reach the writer thread before closing
    await database.close()
    await database.close()
    await add

    reopened = await SqliteDatabase.open(path)
    try:
        assert await workflows_of(reopened).get(workflow.id) == workflow
    finally:
        await reopened.close()
