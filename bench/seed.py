"""Seeding a running service through its HTTP API: workflows, then orders placed within the last 7 days."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

# The test suite's body builders: `python -m bench` runs from the repository root, where tests/ (no
# __init__.py) imports as a namespace package; tests/builders.py imports only the service and msgspec.
from tests.builders import encode, iso, order_body, workflow_body

CONCURRENCY = 16
_JSON = {"content-type": "application/json"}
_MARKETS = [("DAX.I", "GER40.I"), ("CAC40.I", "FRA40.I"), ("SPX.I", "US500.I"), ("NDX.I", "USTEC.I")]
_UNITS = ["15m", "h1", "h4", "daily"]
_WEEK = 7 * 24 * 3600


@dataclass
class Seeded:
    """What was created: workflow ids, and the order ids of each workflow (oldest first)."""

    workflow_ids: list[str]
    order_ids: dict[str, list[str]]

    def all_order_ids(self) -> list[str]:
        return [order_id for ids in self.order_ids.values() for order_id in ids]


def bench_workflow_body(number: int, rng: random.Random) -> dict[str, Any]:
    """The shared workflow body (its trigger) on one of four markets, with two conditions drawn from `rng`."""
    index, cfd = _MARKETS[number % len(_MARKETS)]
    return workflow_body(
        f"bench {number:05d} {cfd} breakout",
        index=index,
        cfd=cfd,
        enable=number % 5 != 0,
        dry_run=number % 7 == 0,
        conditions=[
            {
                "indicator": {"name": "ma50", "ut": rng.choice(_UNITS)},
                "close": {"direction": "above", "ut": "h1", "spread": Decimal("0.5")},
            },
            {
                "indicator": {
                    "name": "zone",
                    "ut": "h4",
                    "value": Decimal(f"{rng.randint(7000, 19000)}.5"),
                    "zone_value": 25,
                },
                "close": {"direction": "below", "ut": "15m", "spread": Decimal("1.25")},
                "element": "close",
            },
        ],
    )


def bench_order_body(cfd: str, placed_at: int, rng: random.Random) -> dict[str, Any]:
    """An order without `id` (the service assigns one): recording then costs no lookup by id."""
    return order_body(
        placed_at=iso(placed_at),
        order_code=cfd,
        order_price=Decimal(f"{rng.randint(7000, 19000)}.{rng.randint(0, 99):02d}"),
        order_quantity=Decimal(rng.choice(["1", "2.5", "10"])),
        order_direction=rng.choice(["BUY", "SELL"]),
        order_type=rng.choice(["LIMIT", "OPEN_STOP"]),
        asset_type="CfdOnIndex",
        trigger_close=Decimal(f"{rng.randint(7000, 19000)}.25"),
    )


async def seed(
    base_url: str,
    *,
    first_number: int,
    workflows: int,
    orders_per_workflow: list[int],
    seed_value: int,
    token: str | None = None,
) -> Seeded:
    """Create `workflows` workflows (numbered from `first_number`), then orders_per_workflow[i] orders for
    workflow i, placed at random moments of the last 7 days (minus a margin on both ends); with
    `token`, as the consumer of that bearer token.

    Each workflow's orders are sent oldest first: a late order, older than the newest one already
    stored, costs DynamoDB a second transaction, which is not what a seed should measure.
    """
    rng = random.Random(seed_value)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    auth = {} if token is None else {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0, limits=limits, headers=auth) as client:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def create(number: int) -> str:
            async with gate:
                answer = await client.post(
                    "/v1/workflows", content=encode(bench_workflow_body(number, rng)), headers=_JSON
                )
            if answer.status_code != 201:
                raise RuntimeError(f"seeding a workflow: {answer.status_code} {answer.text}")
            return str(answer.json()["id"])

        numbers = range(first_number, first_number + workflows)
        workflow_ids = list(await asyncio.gather(*(create(number) for number in numbers)))
        now = int(time.time())

        async def record(number: int, workflow_id: str, count: int) -> list[str]:
            cfd = _MARKETS[number % len(_MARKETS)][1]
            moments = sorted(rng.randint(now - _WEEK + 3600, now - 60) for _ in range(count))
            ids = []
            async with gate:
                for placed_at in moments:
                    answer = await client.post(
                        f"/v1/workflows/{workflow_id}/orders",
                        content=encode(bench_order_body(cfd, placed_at, rng)),
                        headers=_JSON,
                    )
                    if answer.status_code != 201:
                        raise RuntimeError(f"seeding an order: {answer.status_code} {answer.text}")
                    ids.append(str(answer.json()["id"]))
            return ids

        recorded = await asyncio.gather(
            *(
                record(number, workflow_id, count)
                for number, workflow_id, count in zip(numbers, workflow_ids, orders_per_workflow, strict=True)
            )
        )
    return Seeded(workflow_ids, dict(zip(workflow_ids, recorded, strict=True)))
