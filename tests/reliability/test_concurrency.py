"""50 concurrent clients record thousands of orders over 20 workflows: nothing is lost or doubled, every
history walks to exactly its orders, and each workflow's last order is its true newest one."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from reliability_http import RawPool, walk_history
from reliability_kit import JSON, MOTO_QUEUE_DEADLINE, Services, decode, newest_first, order_body, uuid4_from

from builders import encode, workflow_body

WORKFLOWS = 20
CLIENTS = 50
# moto serialises every request, and each TransactWriteItems deep-copies the tables it touches (to roll
# back on a cancellation): a write costs O(orders stored), so a run costs O(orders²). 600 orders took
# 86 s (8 requests/s), 200 took 18 s; 150 keep a DynamoDB run near 10 s and still put 50 requests in flight.
ORDERS = {"sqlite": 2500, "dynamodb": 100}


def seconds_spread(count: int) -> int:
    """placed_at is drawn from a window this wide: about four orders of a workflow share each second."""
    return max(3, count // WORKFLOWS // 4)


@dataclass
class Job:
    workflow_id: str
    body: dict[str, Any]


@dataclass
class Outcome:
    job: Job
    status: int
    answer: dict[str, Any]


def plan(workflow_ids: list[str], count: int, rng: random.Random, late_arrivals: bool) -> tuple[list[Job], int]:
    """The requests to send and how many of them are replays.

    80 % of orders carry a client id (the rest get one from the service); one in ten of those is sent
    twice, a third of the replays right behind the original, so that both are in flight together.
    In-order: sent by ascending placed_at. Late arrivals: each workflow's newest order goes first,
    every older one after it, shuffled.
    """
    base = int(time.time()) - 3600
    spread = seconds_spread(count)
    originals: list[Job] = []
    for n in range(count):
        workflow_id = workflow_ids[n % len(workflow_ids)]
        newest = late_arrivals and n < len(workflow_ids)
        body = order_body(
            base + spread if newest else base + rng.randrange(spread),
            order_id=uuid4_from(rng) if newest or rng.random() < 0.8 else None,
            order_direction=rng.choice(["BUY", "SELL"]),
            order_price=Decimal(f"{rng.randint(1, 99999)}.{rng.randint(0, 10**12 - 1):012d}"),
            order_quantity=Decimal(rng.randint(1, 4000)) / 8,
            order_code=f"CODE-{n}",
        )
        originals.append(Job(workflow_id, body))
    if late_arrivals:
        first, rest = originals[: len(workflow_ids)], originals[len(workflow_ids) :]
        rng.shuffle(rest)
        originals = first + rest
    else:
        originals.sort(key=lambda job: job.body["placed_at"])
    jobs = list(originals)
    replays = [job for job in originals if "id" in job.body and rng.random() < 0.1]
    for n, job in enumerate(replays):
        original_at = jobs.index(job)
        at = original_at + 1 if n % 3 == 0 else rng.randrange(original_at + 1, len(jobs) + 1)
        jobs.insert(at, Job(job.workflow_id, dict(job.body)))
    return jobs, len(replays)


async def send_all(base_url: str, jobs: list[Job]) -> list[Outcome]:
    """Send every job from CLIENTS concurrent clients, each with its own connection."""
    queue = deque(jobs)
    outcomes: list[Outcome] = []

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as http:
            while queue:
                job = queue.popleft()
                response = await http.post(
                    f"/v1/workflows/{job.workflow_id}/orders", content=encode(job.body), headers={"content-type": JSON}
                )
                outcomes.append(Outcome(job, response.status_code, decode(response.content)))

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return outcomes


async def create_workflows(pool: RawPool, prefix: str) -> list[str]:
    ids = []
    for n in range(WORKFLOWS):
        created = await pool.request("POST", "/v1/workflows", encode(workflow_body(f"{prefix} {n:02d}")))
        assert created.status == 201, created.body
        ids.append(created.json()["id"])
    return ids


def acknowledged(outcomes: list[Outcome], replays: int) -> dict[str, dict[str, Any]]:
    """The stored orders by id, from the answers: checks that each id got exactly one 201 and that
    every replay got a 200 with the very body of that 201."""
    unexpected = [(o.status, o.answer) for o in outcomes if o.status not in (200, 201)]
    assert not unexpected, f"{len(unexpected)} requests failed, e.g. {unexpected[:3]}"
    by_id: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_id[outcome.answer["id"]].append(outcome)
    created: dict[str, dict[str, Any]] = {}
    for order_id, answers in by_id.items():
        statuses = Counter(answer.status for answer in answers)
        assert statuses[201] == 1, f"{order_id}: {statuses}"
        bodies = {encode(answer.answer) for answer in answers}
        assert len(bodies) == 1, f"{order_id}: a replay answered another body than the creation: {bodies}"
        created[order_id] = answers[0].answer
    assert sum(1 for o in outcomes if o.status == 200) == replays
    return created


async def assert_everything_readable(
    pool: RawPool, workflow_ids: list[str], created: dict[str, dict[str, Any]]
) -> None:
    ids = list(created)
    answers = await pool.get_all([f"/v1/orders/{order_id}" for order_id in ids])
    missing = [(order_id, a.status) for order_id, a in zip(ids, answers, strict=True) if a.status != 200]
    assert not missing, f"{len(missing)} acknowledged orders are not readable by id, e.g. {missing[:5]}"
    differing = [order_id for order_id, a in zip(ids, answers, strict=True) if a.json() != created[order_id]]
    assert not differing, f"{len(differing)} orders read back differently from their 201, e.g. {differing[:5]}"

    per_workflow: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for order in created.values():
        per_workflow[order["workflow_id"]].append(order)
    for workflow_id in workflow_ids:
        expected = sorted(per_workflow[workflow_id], key=newest_first, reverse=True)
        for limit in (100, 37):
            pages = await walk_history(pool, workflow_id, limit)
            walked = [order["id"] for page in pages for order in page["orders"]]
            assert walked == [order["id"] for order in expected], f"history of {workflow_id} (limit {limit})"
            assert {page["total_count"] for page in pages} == {len(expected)}

    newest = {workflow_id: max(orders, key=newest_first) for workflow_id, orders in per_workflow.items()}
    listed = (await pool.get("/v1/workflows")).json()["workflows"]
    for item in listed:
        if item["id"] in newest:
            order = newest[item["id"]]
            assert (item["last_order_timestamp"], item["last_order_direction"], item["last_order_quantity"]) == (
                order["placed_at"],
                order["order_direction"],
                order["order_quantity"],
            ), f"last order of {item['name']}"
    for workflow_id, order in newest.items():
        summary = (await pool.get(f"/v1/workflows/{workflow_id}")).json()["order_summary"]
        assert summary["total_count"] == len(per_workflow[workflow_id])
        assert (summary["last_order_timestamp"], summary["last_order_price"]) == (
            order["placed_at"],
            order["order_price"],
        )
    latest = (await pool.get("/v1/orders/latest")).json()
    assert latest["total_count"] == len(workflow_ids)
    rows = {row["workflow_id"]: row["id"] for row in latest["orders"]}
    assert rows == {workflow_id: order["id"] for workflow_id, order in newest.items()}
    assert [row["id"] for row in latest["orders"]] == [
        order["id"] for order in sorted(newest.values(), key=newest_first, reverse=True)
    ]


@pytest.mark.parametrize("arrival", ["in_order", "late_arrivals"])
async def test_concurrent_clients_lose_nothing_and_double_nothing(services: Services, storage: str, arrival: str):
    # moto answers one request at a time, so 50 clients queue there for longer than the production
    # deadline of a storage call; the deadline itself is proven by test_outage.py.
    service = services.start(storage, env=MOTO_QUEUE_DEADLINE if storage == "dynamodb" else None)
    rng = random.Random(f"{storage}-{arrival}")
    pool = RawPool(service.port)
    try:
        workflow_ids = await create_workflows(pool, f"concurrency {arrival}")
        jobs, replays = plan(workflow_ids, ORDERS[storage], rng, late_arrivals=arrival == "late_arrivals")
        started = time.perf_counter()
        outcomes = await send_all(service.base_url, jobs)
        seconds = time.perf_counter() - started
        print(
            f"\n[concurrency] {storage}/{arrival}: {ORDERS[storage]} orders + {replays} replays over {WORKFLOWS} "
            f"workflows from {CLIENTS} clients in {seconds:.1f} s ({len(jobs) / seconds:.0f} requests/s)"
        )
        created = acknowledged(outcomes, replays)
        assert len(created) == ORDERS[storage]
        await assert_everything_readable(pool, workflow_ids, created)
    finally:
        await pool.close()
