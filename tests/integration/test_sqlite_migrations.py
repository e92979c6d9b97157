"""SQLite schema versions (adapters.sqlite.migrations) on real files: a file made before versioning
(the committed fixture, see unversioned_sqlite.py) is stamped and reads back as it did; a new file
gets the latest version; openers racing on an old file apply each step once; a newer file is
refused untouched; a failing step leaves the version before it, with its data."""

import asyncio
import json
import shutil
import sqlite3
import threading
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from unversioned_sqlite import DATABASE, EXPECTED, fixed_id, store_id, view

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.migrations import LATEST_VERSION, MIGRATIONS, Migration, NewerSchemaError, migrate
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.window_query import window_select
from adapters.sqlite.workflows import SqliteWorkflowRepository
from builders import NOW, make_order
from domain.model.history import HistoryFilter
from domain.model.window import OrderWindow


@pytest.fixture
def unversioned(tmp_path: Path) -> Path:
    """A copy of the file made before versioning (the committed one is never opened in place)."""
    copy = tmp_path / "unversioned.db"
    shutil.copyfile(DATABASE, copy)
    return copy


def expected_view() -> dict[str, object]:
    """What the old file's repositories read, as this version reads it: orders recorded before
    dry_run was captured (every order of the fixture) have it null."""
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    del expected["store_id"]
    for order in expected["orders"].values():
        order["dry_run"] = None
    return dict(expected)


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def schema_objects(path: Path) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


def table_names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def directory_contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir()}


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=5.0, check_same_thread=False)


def test_the_fixture_is_a_file_from_before_versioning() -> None:
    assert user_version(DATABASE) == 0
    assert "orders" in table_names(DATABASE)


async def test_a_file_made_before_versioning_is_stamped_at_the_latest_version_and_reads_back_the_same(
    unversioned: Path,
) -> None:
    objects, store = schema_objects(unversioned), store_id(unversioned)

    database = await SqliteDatabase.open(str(unversioned))
    try:
        assert (database.schema.found, database.schema.version) == (0, LATEST_VERSION)
        assert await view(database) == expected_view()
    finally:
        await database.close()

    assert user_version(unversioned) == LATEST_VERSION
    assert store_id(unversioned) == store == json.loads(EXPECTED.read_text(encoding="utf-8"))["store_id"]
    altered = {"orders", "order_feed"}  # by later steps: each order's dry_run, each feed entry's recorded_at
    kept = {item for item in objects if item[1] not in altered}
    assert kept <= set(schema_objects(unversioned)), "an object of the old file was re-created differently"
    reopened = await SqliteDatabase.open(str(unversioned))
    try:
        assert (reopened.schema.found, reopened.schema.version) == (LATEST_VERSION, LATEST_VERSION)
        assert await view(reopened) == expected_view()
    finally:
        await reopened.close()


@pytest.mark.parametrize("where", ["file", "memory"])
async def test_a_new_database_gets_every_step_and_the_latest_version(tmp_path: Path, where: str) -> None:
    path = str(tmp_path / "new.db") if where == "file" else ":memory:"

    database = await SqliteDatabase.open(path)
    try:
        assert (database.schema.found, database.schema.version) == (0, LATEST_VERSION)
        assert await database.read(lambda connection: connection.execute("PRAGMA user_version").fetchone()) == (
            LATEST_VERSION,
        )
    finally:
        await database.close()


async def test_a_new_file_and_a_migrated_old_one_have_the_same_schema(tmp_path: Path, unversioned: Path) -> None:
    for path in (tmp_path / "new.db", unversioned):
        await (await SqliteDatabase.open(str(path))).close()

    def made_by_us(path: Path) -> list[tuple[str, str, str]]:
        return [row for row in schema_objects(path) if row[1] != "sqlite_sequence"]  # SQLite's own, on first use

    assert made_by_us(tmp_path / "new.db") == made_by_us(unversioned)


async def test_databases_opening_one_old_file_at_once_all_see_it_migrated_and_its_data(unversioned: Path) -> None:
    databases = await asyncio.gather(*(SqliteDatabase.open(str(unversioned)) for _ in range(4)))
    try:
        assert {database.schema.version for database in databases} == {LATEST_VERSION}
        for database in databases:
            assert await view(database) == expected_view()
    finally:
        for database in databases:
            await database.close()
    assert user_version(unversioned) == LATEST_VERSION


def test_openers_racing_on_an_old_file_apply_each_step_exactly_once(unversioned: Path) -> None:
    """Eight connections on eight threads run the same steps from one start signal: each step
    re-reads the version under the write lock, so none runs twice (a second CREATE TABLE would fail)."""
    steps = (
        *MIGRATIONS,
        Migration("a table", ("CREATE TABLE runs (step INTEGER NOT NULL)", "INSERT INTO runs VALUES (2)")),
        Migration("a row", ("INSERT INTO runs VALUES (3)",)),
    )
    start = threading.Barrier(8)
    outcomes: list[object] = []

    def open_and_migrate() -> None:
        with closing(connect(unversioned)) as connection:
            start.wait()
            try:
                outcomes.append(migrate(connection, steps).version)
            except Exception as error:  # reported by the assertion below
                outcomes.append(error)

    threads = [threading.Thread(target=open_and_migrate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == [len(steps)] * 8
    with closing(sqlite3.connect(unversioned)) as connection:
        assert connection.execute("SELECT step FROM runs ORDER BY step").fetchall() == [(2,), (3,)]
        assert connection.execute("PRAGMA user_version").fetchone() == (len(steps),)


async def test_orders_recorded_before_dry_run_was_captured_read_it_as_none_and_new_ones_carry_their_workflows(
    unversioned: Path,
) -> None:
    database = await SqliteDatabase.open(str(unversioned))
    try:
        workflows, orders = SqliteWorkflowRepository(database), SqliteOrderRepository(database)
        old = await orders.page(fixed_id("dax"), HistoryFilter(), now=NOW, limit=100)
        dax = await workflows.get(fixed_id("dax"))
        assert dax is not None
        await workflows.replace(dax.replaced_by(replace(dax.spec, dry_run=True), NOW))
        new = make_order(await workflows.get(dax.id))
        await orders.add(new)
        page = await orders.page(dax.id, HistoryFilter(), now=NOW, limit=100)
    finally:
        await database.close()

    assert len(old.orders) == 3
    assert {order.dry_run for order in old.orders} == {None}
    assert [(order.id, order.dry_run) for order in page.orders] == [(new.id, True)] + [
        (order.id, None) for order in old.orders
    ]


@pytest.fixture
def newer(unversioned: Path) -> Path:
    """The fixture at a version past the latest, in rollback-journal mode: switching it to WAL
    would change its header, so an unchanged file shows that nothing wrote to it."""
    with closing(sqlite3.connect(unversioned, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    return unversioned


async def test_a_file_at_a_newer_version_is_refused_and_left_unchanged(newer: Path) -> None:
    before = directory_contents(newer.parent)

    with pytest.raises(NewerSchemaError, match=f"schema version {LATEST_VERSION + 1}, but this release knows"):
        await SqliteDatabase.open(str(newer))

    assert directory_contents(newer.parent) == before  # no -wal, -shm or -journal file either


async def test_a_failing_step_leaves_the_file_at_the_version_before_it_with_its_data(unversioned: Path) -> None:
    """The known steps commit; the failing one after them had created a table before its second
    statement failed: both the table and the version bump are rolled back."""
    steps = (
        *MIGRATIONS,
        Migration("fails half-way", ("CREATE TABLE half (x INTEGER)", "INSERT INTO orders (id) VALUES ('x')")),
    )

    with closing(connect(unversioned)) as connection, pytest.raises(sqlite3.IntegrityError):
        migrate(connection, steps)

    assert user_version(unversioned) == len(MIGRATIONS)
    assert "half" not in table_names(unversioned)
    database = await SqliteDatabase.open(str(unversioned))
    try:
        assert await view(database) == expected_view()
    finally:
        await database.close()


async def test_a_file_made_before_the_time_index_serves_windows_across_workflows_once_migrated(
    unversioned: Path,
) -> None:
    pages: dict[str, dict[str, list[str]]] = expected_view()["pages"]  # type: ignore[assignment]
    visible = {order_id for page in pages.values() for order_id in page["ids"]}
    sql, parameters = window_select(OrderWindow(), NOW, 100, None)

    database = await SqliteDatabase.open(str(unversioned))
    try:
        found = await SqliteOrderRepository(database).window(OrderWindow(), now=NOW, limit=100)
    finally:
        await database.close()
    with closing(sqlite3.connect(unversioned)) as connection:
        plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()

    assert {order.id for order in found} == visible
    assert found == sorted(found, key=lambda order: order.sort_key, reverse=True)
    assert any("orders_by_time" in str(row) for row in plan)
