"""What a SQLite read costs before any HTTP: the thread hop of a lane, and a workflow's revision.

    python -m bench.lanes                      # 20,000 calls of each, with 1 and with 32 in flight
    python -m bench.lanes --calls 50000

Every SQLite read of the service runs on a reader lane's thread (adapters/sqlite/lanes.py), so that
the event loop never blocks on the file. This measures, in one process pinned to the server CPU (as
the benchmark pins the service), the process CPU per call of an empty call on a reader lane (the hop
alone: queue, thread wake-up, the result handed back to the loop) and of `SqliteRevisions.of_workflow`
(the storage read of a repeated conditional history read), on a file seeded by `seed-demo`.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.revisions import SqliteRevisions
from app.demo_data import seed_demo
from app.settings import Settings
from bench.processes import SERVER_CPU, pin_this_process


async def cpu_per_call(call: Callable[[], Awaitable[object]], calls: int, in_flight: int) -> float:
    """Process CPU microseconds per call, `in_flight` callers at a time."""

    async def caller(count: int) -> None:
        for _ in range(count):
            await call()

    await caller(200)  # warm-up
    started = time.process_time()
    await asyncio.gather(*(caller(calls // in_flight) for _ in range(in_flight)))
    return (time.process_time() - started) / (calls // in_flight * in_flight) * 1e6


async def measure(path: Path, calls: int) -> None:
    await seed_demo(Settings.from_env({"WFO_SQLITE_PATH": str(path)}))
    with sqlite3.connect(path) as connection:
        (workflow_id,) = connection.execute("SELECT id FROM workflows LIMIT 1").fetchone()
    database = await SqliteDatabase.open(str(path))
    revisions = SqliteRevisions(database)
    now = int(time.time())
    measured = {
        "empty call on a reader lane": lambda: database.read(lambda _: None),
        "SqliteRevisions.of_workflow": lambda: revisions.of_workflow(workflow_id, now=now),
    }
    try:
        for name, call in measured.items():
            for in_flight in (1, 32):
                cpu = await cpu_per_call(call, calls, in_flight)
                print(f"{name}, {in_flight} in flight: {cpu:,.1f} µs process CPU per call")
    finally:
        await database.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lanes", description=__doc__)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    pin_this_process(SERVER_CPU)
    with tempfile.TemporaryDirectory() as scratch:
        asyncio.run(measure(Path(scratch) / "lanes.db", args.calls))


if __name__ == "__main__":
    main()
