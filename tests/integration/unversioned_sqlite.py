"""A SQLite file as the service made it before schema versioning (user_version 0), and what its
repositories read from it: the committed fixture of the migration tests (test_sqlite_migrations.py).

fixtures/unversioned.db was made by commit 1a6a89e (the last one without versioning), and
fixtures/unversioned.json holds what that commit's repositories read back from it. To make them
again, run this file with that commit's code, from the repository root:

    mkdir /tmp/unversioned && git archive 1a6a89e src tests/builders.py | tar -x -C /tmp/unversioned
    PYTHONPATH=/tmp/unversioned/src:/tmp/unversioned/tests python tests/integration/unversioned_sqlite.py

It refuses to write a file that is not at user_version 0 (made by code that already versions it).
Only the repositories' public calls are used, so the same `view` reads the file with any version.
"""

import asyncio
import hashlib
import json
import sqlite3
import sys
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import msgspec

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.workflows import SqliteWorkflowRepository
from builders import NOW, make_order, make_workflow, rich_spec
from domain.model.history import HistoryFilter
from domain.model.order import RETENTION_SECONDS
from domain.model.workflow import Workflow

FIXTURES = Path(__file__).parent / "fixtures"
DATABASE = FIXTURES / "unversioned.db"
EXPECTED = FIXTURES / "unversioned.json"
DAY = 86_400


def fixed_id(label: str) -> str:
    """A UUID v4 that is the same on every run."""
    return str(uuid.UUID(bytes=hashlib.sha256(label.encode()).digest()[:16], version=4))


async def fill(database: SqliteDatabase) -> None:
    """Workflows (one renamed, one deleted) with orders using every optional field, ties on
    placed_at, and one order already expired at NOW."""
    workflows, orders = SqliteWorkflowRepository(database), SqliteOrderRepository(database)
    dax = Workflow(id=fixed_id("dax"), spec=rich_spec("DAX Breakout Strategy"), created_at=NOW - 9 * DAY)
    unicode = make_workflow("Ünïcode — 日本 ✓", enable=False, created_at=NOW - 2 * DAY, workflow_id=fixed_id("uni"))
    renamed = make_workflow("Old name", created_at=NOW - 3 * DAY, workflow_id=fixed_id("renamed"))
    deleted = make_workflow("Deleted later", created_at=NOW - 4 * DAY, workflow_id=fixed_id("deleted"))
    for workflow in (dax, unicode, renamed, deleted):
        await workflows.add(workflow)
    new = [
        make_order(dax, order_id=fixed_id("dax-expired"), placed_at=NOW - RETENTION_SECONDS - DAY),
        make_order(
            dax,
            order_id=fixed_id("dax-full"),
            placed_at=NOW - 3600,
            direction="SELL",
            price="0.00001000",
            quantity="1E+5",
            order_code="GER40.I",
            order_type="OPEN_STOP",
            asset_type="WarrantOpenEndKnockOut",
            trigger_close="0",
            execution_context='{"broker": "ig", "note": "Größe ✓"}',
        ),
        make_order(dax, order_id=fixed_id("dax-tie-1"), placed_at=NOW - 600, asset_type="Etf"),
        make_order(dax, order_id=fixed_id("dax-tie-2"), placed_at=NOW - 600, direction="SELL", trigger_close="12.50"),
        make_order(unicode, order_id=fixed_id("uni-1"), placed_at=NOW - DAY, execution_context="日本"),
        make_order(renamed, order_id=fixed_id("renamed-before"), placed_at=NOW - 2 * DAY),
        make_order(deleted, order_id=fixed_id("deleted-1"), placed_at=NOW - 3 * DAY, price="123456789.123456789"),
    ]
    for order in new:
        await orders.add(order)
    renamed = renamed.replaced_by(rich_spec("New name", enable=True), NOW - DAY)
    await workflows.replace(renamed)
    await orders.add(make_order(renamed, order_id=fixed_id("renamed-after"), placed_at=NOW - 1800))
    await workflows.delete(deleted.id, now=NOW - 7200)


async def view(database: SqliteDatabase) -> dict[str, Any]:
    """What the repositories read at NOW, as JSON values: every live workflow, every order by id,
    each workflow's history page and the latest orders."""
    workflows, orders = SqliteWorkflowRepository(database), SqliteOrderRepository(database)
    workflow_ids = sorted(fixed_id(label) for label in ("dax", "uni", "renamed", "deleted"))
    order_ids = sorted(
        fixed_id(label)
        for label in (
            "dax-expired",
            "dax-full",
            "dax-tie-1",
            "dax-tie-2",
            "uni-1",
            "renamed-before",
            "renamed-after",
            "deleted-1",
        )
    )
    pages = {}
    for workflow_id in workflow_ids:
        page = await orders.page(workflow_id, HistoryFilter(), now=NOW, limit=100)
        pages[workflow_id] = {"ids": [order.id for order in page.orders], "total_count": page.total_count}
    latest = await orders.latest(now=NOW)
    value = {
        "workflows": await workflows.list(),
        "orders": {order_id: await orders.get(order_id) for order_id in order_ids},
        "pages": pages,
        "latest": {"ids": [order.id for order in latest.orders], "total_count": latest.total_count},
    }
    result: dict[str, Any] = json.loads(msgspec.json.encode(value))
    return result


def store_id(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        found: str = connection.execute("SELECT id FROM store").fetchone()[0]
    return found


async def _make() -> None:
    DATABASE.unlink(missing_ok=True)
    database = await SqliteDatabase.open(str(DATABASE))
    try:
        await fill(database)
        expected = await view(database)
    finally:
        await database.close()
    with closing(sqlite3.connect(DATABASE)) as connection:
        if connection.execute("PRAGMA user_version").fetchone()[0] != 0:
            DATABASE.unlink()
            sys.exit("this code already versions the schema: run the commit named in the docstring")
    expected["store_id"] = store_id(DATABASE)
    EXPECTED.write_text(json.dumps(expected, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(_make())
