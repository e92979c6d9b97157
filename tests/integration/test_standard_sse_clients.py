"""The live stream read by a standard Server-Sent Events client (httpx-sse) from a real service
process: every event it yields is an order whose data is JSON, however the stream opens and
however many keep-alives come between events; the reconnection time still reaches it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import ServerSentEvent, aconnect_sse
from service_process import ServiceProcess

from builders import encode, order_body, workflow_body

pytestmark = pytest.mark.slow  # starts the service as a process

HEARTBEAT_SECONDS = 0.2
QUIET_SECONDS = 1.0
"""Five keep-alives' worth of silence between two orders."""
DEADLINE_SECONDS = 60.0
"""Safety net for "the event arrived": far beyond what delivery takes."""
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    directory = tmp_path_factory.mktemp("standard-sse")
    settings = {"WFO_STREAM_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS)}
    process = ServiceProcess(Path(directory) / "orders.db", Path(directory), settings).start()
    try:
        yield process
    finally:
        process.kill()


async def record(client: httpx.AsyncClient, workflow_id: str, code: str) -> dict[str, Any]:
    response = await client.post(
        f"/v1/workflows/{workflow_id}/orders", content=encode(order_body(order_code=code)), headers=JSON
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def next_order(events: AsyncIterator[ServerSentEvent]) -> tuple[ServerSentEvent, dict[str, Any]]:
    """The next event, whose data must be JSON, as a plain consumer reads it."""
    event = await asyncio.wait_for(anext(events), DEADLINE_SECONDS)
    return event, json.loads(event.data)


async def test_httpx_sse_yields_only_order_events_whose_data_is_json(service: ServiceProcess) -> None:
    timeout = httpx.Timeout(10.0, read=None)
    async with (
        httpx.AsyncClient(base_url=service.base_url, timeout=timeout) as reader,
        httpx.AsyncClient(base_url=service.base_url, timeout=timeout) as writer,
    ):
        created = await writer.post("/v1/workflows", content=encode(workflow_body("standard sse")), headers=JSON)
        assert created.status_code == 201, created.text
        workflow_id = created.json()["id"]
        async with aconnect_sse(reader, "GET", "/v1/orders/stream") as source:
            assert source.response.status_code == 200
            events = source.aiter_sse()
            await asyncio.sleep(QUIET_SECONDS)  # keep-alives before the first event
            first_order = await record(writer, workflow_id, "SSE-1")
            first, first_data = await next_order(events)
            await asyncio.sleep(QUIET_SECONDS)  # keep-alives after an event that set an id
            second_order = await record(writer, workflow_id, "SSE-2")
            second, second_data = await next_order(events)

    assert [first.event, second.event] == ["order", "order"]
    assert [first_data["id"], second_data["id"]] == [first_order["id"], second_order["id"]]
    assert first.id
    assert second.id != first.id
    assert first.retry == 1000  # the reconnection time came with the first event
