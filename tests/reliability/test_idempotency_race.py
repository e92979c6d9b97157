"""One order id posted 20 times at the same moment: one record, one 201, identical 200s, 409 for other content."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from reliability_kit import JSON, PROBLEM_JSON, Service, decode, order_body

from builders import encode, workflow_body

RACERS = 20
ROUNDS = 4


@pytest.fixture
async def racers(service: Service) -> AsyncIterator[list[httpx.AsyncClient]]:
    """RACERS clients, each with its connection already open, so that their requests leave together."""
    clients = [httpx.AsyncClient(base_url=service.base_url, timeout=30.0) for _ in range(RACERS)]
    try:
        await asyncio.gather(*(client.get("/health/live") for client in clients))
        yield clients
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))


async def race(clients: list[httpx.AsyncClient], posts: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
    """Each client posts its (path, body) as soon as a shared gate opens."""
    gate = asyncio.Event()

    async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> httpx.Response:
        await gate.wait()
        return await client.post(path, content=encode(body), headers={"content-type": JSON})

    tasks = [asyncio.create_task(post(client, *job)) for client, job in zip(clients, posts, strict=True)]
    await asyncio.sleep(0.05)
    gate.set()
    return list(await asyncio.gather(*tasks))


async def create_workflow(http: httpx.AsyncClient, name: str) -> str:
    created = await http.post("/v1/workflows", content=encode(workflow_body(name)), headers={"content-type": JSON})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def count_orders(http: httpx.AsyncClient, workflow_id: str) -> int:
    history = await http.get(f"/v1/workflows/{workflow_id}/orders", params={"limit": 100})
    assert history.status_code == 200, history.text
    return int(history.json()["total_count"])


async def test_the_same_order_posted_20_times_at_once_is_created_once(racers: list[httpx.AsyncClient]):
    http = racers[0]
    workflow_id = await create_workflow(http, "idempotency race")
    placed_at = int(time.time()) - 60
    for _ in range(ROUNDS):
        order_id = str(uuid.uuid4())
        body = order_body(placed_at, order_id=order_id)

        answers = await race(racers, [(f"/v1/workflows/{workflow_id}/orders", body)] * RACERS)

        assert Counter(a.status_code for a in answers) == {201: 1, 200: RACERS - 1}, [a.text for a in answers]
        assert {a.text for a in answers} == {answers[0].text}, "a replay answered another body than the creation"
        assert {a.headers["location"] for a in answers} == {f"/v1/orders/{order_id}"}
        stored = await http.get(f"/v1/orders/{order_id}")
        assert stored.status_code == 200
        assert stored.text == answers[0].text
    assert await count_orders(http, workflow_id) == ROUNDS


async def test_racing_different_bodies_under_one_id_lets_one_win_and_the_others_conflict(
    racers: list[httpx.AsyncClient],
):
    http = racers[0]
    workflow_id = await create_workflow(http, "conflict race")
    other_workflow_id = await create_workflow(http, "conflict race, other workflow")
    placed_at = int(time.time()) - 60
    for _ in range(ROUNDS):
        order_id = str(uuid.uuid4())
        # Four contents, five copies of each; one copy of the first content goes to another workflow.
        variants = [order_body(placed_at, order_id=order_id, order_price=Decimal(f"100.{k}")) for k in range(4)]
        posts = [(f"/v1/workflows/{workflow_id}/orders", variants[n % 4]) for n in range(RACERS)]
        posts[4] = (f"/v1/workflows/{other_workflow_id}/orders", variants[0])

        answers = await race(racers, posts)

        created = [a for a in answers if a.status_code == 201]
        assert len(created) == 1, [a.text for a in answers]
        winner = decode(created[0].content)
        for (path, body), answer in zip(posts, answers, strict=True):
            same_as_winner = path.endswith(f"{winner['workflow_id']}/orders") and body["order_price"] == Decimal(
                winner["order_price"]
            )
            if answer is created[0]:
                continue
            if same_as_winner:
                assert answer.status_code == 200, answer.text
                assert answer.text == created[0].text
            else:
                assert answer.status_code == 409, answer.text
                assert answer.headers["content-type"].startswith(PROBLEM_JSON)
        stored = await http.get(f"/v1/orders/{order_id}")
        assert stored.text == created[0].text
    assert await count_orders(http, workflow_id) + await count_orders(http, other_workflow_id) == ROUNDS
