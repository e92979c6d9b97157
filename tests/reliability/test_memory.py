"""Tens of thousands of mixed requests against the SQLite service: its resident memory levels off."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from typing import Any

from reliability_http import RawHttp
from reliability_kit import Service, Services, order_body

from builders import encode, workflow_body

REQUESTS = 12_000
"""100,000 would take 2.5 to 3 minutes alone at the 560-670 requests/s this shared 2-CPU machine gives; in the
30,000-request runs VmRSS was flat after ~20,000 (SQLite page caches full), and a leak of 1 KiB per request would
still show as ~10 MiB over the last 10,000."""
CONNECTIONS = 10
SAMPLES = 30
GROWTH_LIMIT_KIB = 8 * 1024
WORKFLOWS = 10
KEPT_BODIES_BYTES = 1024 * 1024
"""The body cache's bound for this run: a cache that fills up to its bound is growth by design, so it
is made small enough to be full well before the half-way sample (16 MiB by default, which these
requests would still be filling at the end)."""


class Mix:
    """A repeatable stream of requests of every kind, valid and not, with what each should answer."""

    def __init__(self, workflow_ids: list[str], seed: int) -> None:
        self._rng = random.Random(seed)
        self._workflow_ids = workflow_ids
        self._orders: list[tuple[str, dict[str, Any]]] = []
        self._cursors: dict[str, str] = {}

    def next(self) -> tuple[str, str, bytes | None, tuple[int, ...]]:
        rng, workflow_id = self._rng, self._rng.choice(self._workflow_ids)
        roll = rng.random()
        if roll < 0.25 or not self._orders:
            order_id = str(uuid.uuid4())
            body = order_body(int(time.time()) - rng.randrange(3600), order_id=order_id, order_code=f"M{rng.random()}")
            self._orders.append((workflow_id, body))
            return "POST", f"/v1/workflows/{workflow_id}/orders", encode(body), (200, 201)  # a replay may come first
        if roll < 0.30:
            replayed_workflow, body = rng.choice(self._orders)
            return "POST", f"/v1/workflows/{replayed_workflow}/orders", encode(body), (200, 201)
        if roll < 0.50:
            return "GET", f"/v1/orders/{rng.choice(self._orders)[1]['id']}", None, (200, 404)
        if roll < 0.65:
            cursor = self._cursors.pop(workflow_id, None) if rng.random() < 0.5 else None
            query = f"limit={rng.choice([1, 20, 100])}" + (f"&cursor={cursor}" if cursor else "")
            return "GET", f"/v1/workflows/{workflow_id}/orders?{query}", None, (200,)
        if roll < 0.72:
            return "GET", f"/v1/orders/latest?limit={rng.randint(1, 100)}", None, (200,)
        if roll < 0.77:
            return "GET", "/v1/workflows", None, (200,)
        if roll < 0.82:
            return "GET", f"/v1/workflows/{workflow_id}", None, (200,)
        if roll < 0.87:
            return "GET", f"/v1/orders/{uuid.uuid4()}", None, (404,)
        if roll < 0.92:
            bad = {**order_body(None), "order_price": -1, "unknown": "x" * rng.randrange(2000)}
            return "POST", f"/v1/workflows/{workflow_id}/orders", encode(bad), (400,)
        if roll < 0.96:
            return "GET", f"/v1/workflows/{workflow_id}/orders?cursor=forged{rng.random()}", None, (400,)
        return "GET", rng.choice(["/health/live", "/health/ready", "/metrics"]), None, (200,)

    def note(self, target: str, answer: Any) -> None:
        """Keep a next_cursor to follow later, so that cursor reads are part of the mix."""
        if "/orders?" in target and isinstance(answer, dict) and answer.get("next_cursor"):
            self._cursors[answer["workflow_id"]] = answer["next_cursor"]


async def drive(service: Service, mix: Mix, count: int, on_progress: Any) -> list[str]:
    """Send `count` requests over CONNECTIONS keep-alive connections; call on_progress(answers so far)."""
    sent = answered = 0
    unexpected: list[str] = []

    async def connection() -> None:
        nonlocal sent, answered
        client = RawHttp(service.port)
        try:
            while sent < count:
                sent += 1
                method, target, body, expected = mix.next()
                answer = await client.request(method, target, body)
                if answer.status not in expected:
                    unexpected.append(f"{method} {target[:80]} -> {answer.status} {answer.body[:200]!r}")
                elif method == "GET" and answer.status == 200 and "/orders?" in target:
                    mix.note(target, answer.json())
                answered += 1
                on_progress(answered)
        finally:
            await client.close()

    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    return unexpected


async def test_resident_memory_levels_off_under_tens_of_thousands_of_mixed_requests(services: Services):
    service = services.start("sqlite", env={"WFO_BODY_CACHE_BYTES": str(KEPT_BODIES_BYTES)})
    setup = RawHttp(service.port)
    workflow_ids = []
    for n in range(WORKFLOWS):
        created = await setup.post("/v1/workflows", workflow_body(f"memory {n}"))
        assert created.status == 201, created.body
        workflow_ids.append(created.json()["id"])
    await setup.close()

    every = REQUESTS // SAMPLES
    samples: list[tuple[int, int]] = [(0, service.rss_kib())]

    def sample(sent: int) -> None:
        if sent % every == 0:
            samples.append((sent, service.rss_kib()))

    started = time.perf_counter()
    unexpected = await drive(service, Mix(workflow_ids, seed=7), REQUESTS, sample)
    seconds = time.perf_counter() - started

    half = samples[len(samples) // 2][1]
    growth = max(rss for _, rss in samples[len(samples) // 2 :]) - half
    print(
        f"\n[memory] {REQUESTS} mixed requests over {CONNECTIONS} connections in {seconds:.1f} s "
        f"({REQUESTS / seconds:.0f}/s); VmRSS start {samples[0][1] / 1024:.1f} MiB, "
        f"half-way {half / 1024:.1f} MiB, end {samples[-1][1] / 1024:.1f} MiB, "
        f"max {max(r for _, r in samples) / 1024:.1f} MiB; growth over the last half {growth / 1024:.2f} MiB\n"
        + "  ".join(f"{n}:{rss / 1024:.1f}" for n, rss in samples)
    )
    assert not unexpected, f"{len(unexpected)} unexpected answers, e.g. {unexpected[:5]}"
    assert growth <= GROWTH_LIMIT_KIB, f"VmRSS grew {growth / 1024:.1f} MiB over the last half"
