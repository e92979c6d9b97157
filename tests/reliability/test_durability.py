"""kill -9 in the middle of a write burst on SQLite: after a restart every acknowledged order is there, exactly as
acknowledged, the indexes and the latest-order table agree with the rows, and the file passes integrity_check."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from reliability_http import RawHttp, RawPool, walk_history
from reliability_kit import Service, Services, newest_first, order_body

from builders import encode, workflow_body

WRITERS = 20
WORKFLOWS = 4
ACKNOWLEDGED_BEFORE_KILL = 400
ROUNDS = 2


@dataclass
class Burst:
    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)
    unanswered: list[str] = field(default_factory=list)
    enough: asyncio.Event = field(default_factory=asyncio.Event)


async def write_until_killed(port: int, workflow_ids: list[str], burst: Burst, writer: int) -> None:
    client = RawHttp(port)
    n = 0
    try:
        while True:
            n += 1
            order_id = str(uuid.uuid4())
            body = order_body(int(time.time()) - 60 - n % 7, order_id=order_id, order_code=f"W{writer}-{n}")
            try:
                answer = await client.post(f"/v1/workflows/{workflow_ids[n % len(workflow_ids)]}/orders", body)
            except (OSError, asyncio.IncompleteReadError):
                burst.unanswered.append(order_id)
                return
            assert answer.status == 201, answer.body
            burst.acknowledged[order_id] = answer.json()
            if len(burst.acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                burst.enough.set()
    finally:
        await client.close()


async def kill_during_burst(service: Service, workflow_ids: list[str]) -> Burst:
    burst = Burst()
    writers = [asyncio.create_task(write_until_killed(service.port, workflow_ids, burst, n)) for n in range(WRITERS)]
    await asyncio.wait_for(burst.enough.wait(), 120)
    os.kill(service.pid, signal.SIGKILL)
    await asyncio.wait_for(asyncio.gather(*writers), 30)
    assert service.wait(10) == -signal.SIGKILL
    return burst


def integrity(path: str) -> tuple[list[Any], list[Any]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return (
            connection.execute("PRAGMA integrity_check").fetchall(),
            connection.execute("PRAGMA foreign_key_check").fetchall(),
        )


async def test_kill_9_during_a_write_burst_loses_nothing_acknowledged_and_leaves_a_sound_file(services: Services):
    service = services.start("sqlite")
    pool = RawPool(service.port)
    workflow_ids = []
    for n in range(WORKFLOWS):
        created = await pool.request("POST", "/v1/workflows", encode(workflow_body(f"durability {n}")))
        assert created.status == 201, created.body
        workflow_ids.append(created.json()["id"])
    await pool.close()

    acknowledged: dict[str, dict[str, Any]] = {}
    unanswered: list[str] = []
    for round_ in range(ROUNDS):
        burst = await kill_during_burst(service, workflow_ids)
        acknowledged.update(burst.acknowledged)
        unanswered.extend(burst.unanswered)
        print(
            f"\n[durability] round {round_ + 1}: kill -9 after {len(burst.acknowledged)} acknowledged orders, "
            f"{len(burst.unanswered)} requests unanswered"
        )
        service = services.restart(service)
        await assert_all_there(service, workflow_ids, acknowledged, unanswered)

    assert integrity(str(service.sqlite_path)) == ([("ok",)], [])


async def assert_all_there(
    service: Service, workflow_ids: list[str], acknowledged: dict[str, dict[str, Any]], unanswered: list[str]
) -> None:
    pool = RawPool(service.port)
    try:
        ids = list(acknowledged)
        answers = await pool.get_all([f"/v1/orders/{order_id}" for order_id in ids])
        missing = [order_id for order_id, a in zip(ids, answers, strict=True) if a.status != 200]
        assert not missing, f"{len(missing)} acknowledged orders are gone after kill -9: {missing[:5]}"
        changed = [i for i, a in zip(ids, answers, strict=True) if a.json() != acknowledged[i]]
        assert not changed, f"{len(changed)} orders read back differently from their 201: {changed[:5]}"

        # An order whose request got no answer may or may not have been committed; if it was, it is whole.
        maybe = await pool.get_all([f"/v1/orders/{order_id}" for order_id in unanswered])
        assert {a.status for a in maybe} <= {200, 404}

        per_workflow: dict[str, set[str]] = defaultdict(set)
        for order in acknowledged.values():
            per_workflow[order["workflow_id"]].add(order["id"])
        latest = {row["workflow_id"]: row["id"] for row in (await pool.get("/v1/orders/latest")).json()["orders"]}
        for workflow_id in workflow_ids:
            pages = await walk_history(pool, workflow_id, 100)
            listed = [order for page in pages for order in page["orders"]]
            listed_ids = [order["id"] for order in listed]
            assert len(listed_ids) == len(set(listed_ids)) == pages[0]["total_count"]
            assert per_workflow[workflow_id] <= set(listed_ids)
            assert set(listed_ids) <= set(acknowledged) | set(unanswered)
            assert latest[workflow_id] == max(listed, key=newest_first)["id"]
    finally:
        await pool.close()
