"""The storage conformance suite against the SQLite adapter, on a database file and in memory."""

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from adapters.sqlite.archive import SqliteArchive
from adapters.sqlite.database import MEMORY, SqliteDatabase
from adapters.sqlite.feed import FeedSignal, SqliteOrderFeed
from adapters.sqlite.health import SqliteStorageHealth
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.revisions import SqliteRevisions
from adapters.sqlite.workflows import SqliteWorkflowRepository
from builders import NOW
from conformance.archive_contract import StorageArchiveContract
from conformance.feed_contract import FeedContract
from conformance.order_window_contract import OrderWindowContract
from conformance.revisions_contract import RevisionsContract
from conformance.storage_contract import (
    OrderRepositoryContract,
    StorageHealthContract,
    UnavailableStorageContract,
    WorkflowRepositoryContract,
)


@pytest.fixture(params=["file", "memory"])
def database_path(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "orders.db") if request.param == "file" else MEMORY


@pytest.fixture
async def database(database_path: str) -> AsyncIterator[SqliteDatabase]:
    database = await SqliteDatabase.open(database_path)
    yield database
    await database.close()


@pytest.fixture
def workflow_repository(database: SqliteDatabase) -> SqliteWorkflowRepository:
    return SqliteWorkflowRepository(database)


class RecordingClock:
    """Dates the feed entries the order repository writes; moved on by the tests."""

    def __init__(self) -> None:
        self.current = NOW

    def now(self) -> int:
        return self.current

    def advance(self, seconds: int) -> None:
        self.current += seconds


@pytest.fixture
def recording_clock() -> RecordingClock:
    return RecordingClock()


@pytest.fixture
def order_repository(database: SqliteDatabase, recording_clock: RecordingClock) -> SqliteOrderRepository:
    return SqliteOrderRepository(database, clock=recording_clock)


@pytest.fixture
def archive(database: SqliteDatabase) -> SqliteArchive:
    return SqliteArchive(database)


@pytest.fixture
def revisions(database: SqliteDatabase) -> SqliteRevisions:
    return SqliteRevisions(database)


@pytest.fixture
def feed(database: SqliteDatabase) -> SqliteOrderFeed:
    return SqliteOrderFeed(database, FeedSignal())


@pytest.fixture
async def feed_on_the_same_store(database: SqliteDatabase, database_path: str) -> AsyncIterator[SqliteOrderFeed]:
    """On a file, a second opener of it; in memory (a database only its opener sees), a second adapter."""
    if database_path == MEMORY:
        yield SqliteOrderFeed(database, FeedSignal())
        return
    second = await SqliteDatabase.open(database_path)
    yield SqliteOrderFeed(second, FeedSignal())
    await second.close()


@pytest.fixture
async def new_store_in_its_place(
    database_path: str, tmp_path: Path
) -> AsyncIterator[Callable[[], Awaitable[SqliteOrderFeed]]]:
    """A new database (a new file beside the first, as an import makes one)."""
    opened: list[SqliteDatabase] = []

    async def new_store() -> SqliteOrderFeed:
        opened.append(await SqliteDatabase.open(MEMORY if database_path == MEMORY else str(tmp_path / "new.db")))
        return SqliteOrderFeed(opened[-1], FeedSignal())

    yield new_store
    for database in opened:
        await database.close()


@pytest.fixture
def settle() -> Callable[[], None]:
    return lambda: None  # SQLite gives sequence numbers in commit order: nothing to wait for


@pytest.fixture
def storage_health(database: SqliteDatabase) -> SqliteStorageHealth:
    return SqliteStorageHealth(database)


@pytest.fixture
async def closed_database(database_path: str) -> SqliteDatabase:
    """A database that answers nothing any more: the SQLite form of a storage that is gone.

    Faults of a live database (a lock held past the busy timeout, a stuck call, a file that cannot
    be opened) are covered in test_sqlite_specifics.
    """
    database = await SqliteDatabase.open(database_path)
    await database.close()
    return database


@pytest.fixture
def unavailable_workflow_repository(closed_database: SqliteDatabase) -> SqliteWorkflowRepository:
    return SqliteWorkflowRepository(closed_database)


@pytest.fixture
def unavailable_order_repository(closed_database: SqliteDatabase) -> SqliteOrderRepository:
    return SqliteOrderRepository(closed_database)


@pytest.fixture
def unavailable_storage_health(closed_database: SqliteDatabase) -> SqliteStorageHealth:
    return SqliteStorageHealth(closed_database)


class TestSqliteWorkflowRepository(WorkflowRepositoryContract):
    pass


class TestSqliteOrderRepository(OrderRepositoryContract):
    pass


class TestSqliteOrderWindow(OrderWindowContract):
    pass


class TestSqliteStorageHealth(StorageHealthContract):
    pass


class TestUnavailableSqliteStorage(UnavailableStorageContract):
    pass


class TestSqliteArchive(StorageArchiveContract):
    pass


class TestSqliteRevisions(RevisionsContract):
    pass


class TestSqliteFeed(FeedContract):
    pass
