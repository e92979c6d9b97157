"""Hostile input over real HTTP: oversized, malformed, ambiguous or forged requests get a 4xx problem, never a
500, never another workflow's data."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability_http import RawHttp
from reliability_kit import JSON, PROBLEM_JSON, Service, Services, decode, order_body

from app.settings import DEFAULT_CURSOR_SECRET
from builders import encode, workflow_body
from domain.model.history import CursorCodec, HistoryFilter, Position

_JSON = {"content-type": JSON}

KIB = 1024


@dataclass
class Seeded:
    workflow_id: str
    other_workflow_id: str
    order_ids: list[str]
    other_order_ids: list[str]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One SQLite service for the module: input handling does not depend on the storage."""
    services = Services(Path(tmp_path_factory.mktemp("hostile")))
    try:
        yield services.start("sqlite")
    finally:
        services.kill_all()


@pytest.fixture(scope="module")
async def http(api: Service) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30.0) as client:
        yield client


async def seed_two_workflows(http: httpx.AsyncClient, tag: str) -> Seeded:
    ids, orders = [], []
    for name in (f"{tag} A", f"{tag} B"):
        created = await http.post("/v1/workflows", content=encode(workflow_body(name)), headers=_JSON)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
        placed = []
        for n in range(5):
            body = order_body(int(time.time()) - 600 + n, order_direction="BUY" if n % 2 else "SELL")
            recorded = await http.post(f"/v1/workflows/{ids[-1]}/orders", content=encode(body), headers=_JSON)
            assert recorded.status_code == 201, recorded.text
            placed.append(recorded.json()["id"])
        orders.append(placed)
    return Seeded(ids[0], ids[1], orders[0], orders[1])


@pytest.fixture(scope="module")
async def seeded(http: httpx.AsyncClient) -> Seeded:
    return await seed_two_workflows(http, "hostile")


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    """A problem+json answer with one of `statuses`, and nothing of the service's insides in it."""
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers
    problem = decode(response.content)
    assert problem["status"] == response.status_code
    assert {"type", "title", "detail"} <= problem.keys()
    for leak in ("Traceback", 'File "', ".py", "sqlite3", "botocore", "msgspec."):
        assert leak not in response.text, response.text
    return dict(problem)


def order_path(seeded: Seeded) -> str:
    return f"/v1/workflows/{seeded.workflow_id}/orders"


def valid_order() -> bytes:
    return encode(order_body(int(time.time()) - 60))


# --- size -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method_path", ["POST workflows", "PUT workflow", "POST order"])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_a_body_over_64_kib_is_refused_with_413(
    http: httpx.AsyncClient, seeded: Seeded, method_path: str, framing: str
):
    method, target = method_path.split()
    path = {
        "workflows": "/v1/workflows",
        "workflow": f"/v1/workflows/{seeded.workflow_id}",
        "order": order_path(seeded),
    }[target]
    body = encode({**order_body(None), "execution_context": "x" * (65 * KIB)})

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 4 * KIB):
            yield body[start : start + 4 * KIB]

    content: Any = body if framing == "content-length" else chunks()
    response = await http.request(method, path, content=content, headers=_JSON)

    assert_problem(response, 413)


async def test_a_body_of_exactly_64_kib_is_read(http: httpx.AsyncClient, seeded: Seeded):
    body = valid_order()
    padded = body[:-1] + b" " * (64 * KIB - len(body)) + b"}"
    assert len(padded) == 64 * KIB

    response = await http.post(order_path(seeded), content=padded, headers=_JSON)

    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"[" * 100_000, 413),  # over 64 KiB
        (b"[" * 60_000, 400),
        (b'{"a":' * 12_000, 400),
        (b"[" * 30_000 + b"]" * 30_000, 400),
    ],
    ids=["100k-brackets", "60k-brackets", "12k-objects", "30k-balanced"],
)
async def test_deeply_nested_json_is_refused_without_harm(http: httpx.AsyncClient, seeded: Seeded, raw, status):
    response = await http.post(order_path(seeded), content=raw, headers=_JSON)

    assert_problem(response, status)
    assert (await http.get("/health/live")).status_code == 200


# --- numbers and text -----------------------------------------------------------------------------


@pytest.mark.parametrize("quote", [b"", b'"'], ids=["number", "string"])
@pytest.mark.parametrize(
    "number",
    [b"1e999999", b"-1e999999", b"1e-999999", b"1e999999999999999999", b"9" * 40_000, b"0." + b"0" * 40_000 + b"1"],
    ids=["1e999999", "-1e999999", "1e-999999", "exponent-20-digits", "40k-digits", "40k-decimals"],
)
async def test_numbers_that_cannot_be_stored_exactly_are_400(
    http: httpx.AsyncClient, seeded: Seeded, number: bytes, quote: bytes
):
    raw = valid_order().replace(b'"order_price":7850.25', b'"order_price":' + quote + number + quote)

    started = time.perf_counter()
    response = await http.post(order_path(seeded), content=raw, headers=_JSON)

    problem = assert_problem(response, 400)
    assert [error["field"] for error in problem["errors"]] == ["order_price"]
    assert time.perf_counter() - started < 2.0, "a big number must not cost seconds of CPU"


@pytest.mark.parametrize("quote", [b"", b'"'], ids=["number", "string"])
@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"nan", b"1e", b"0x10", b"+1", b".5"])
async def test_non_json_numbers_are_400(http: httpx.AsyncClient, seeded: Seeded, literal: bytes, quote: bytes):
    raw = valid_order().replace(b'"order_price":7850.25', b'"order_price":' + quote + literal + quote)

    response = await http.post(order_path(seeded), content=raw, headers=_JSON)

    assert_problem(response, 400)


@pytest.mark.parametrize(
    "text",
    [b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"caf\xe9", b"\x80"],
    ids=["ff-fe", "overlong-slash", "utf8-surrogate", "latin-1", "lone-continuation"],
)
async def test_invalid_utf8_in_a_body_is_400(http: httpx.AsyncClient, seeded: Seeded, text: bytes):
    raw = valid_order().replace(b"GER40.I", text)

    response = await http.post(order_path(seeded), content=raw, headers=_JSON)

    assert_problem(response, 400)


async def test_an_escaped_lone_surrogate_is_400(http: httpx.AsyncClient, seeded: Seeded):
    raw = valid_order().replace(b'"GER40.I"', b'"\\ud800"')

    response = await http.post(order_path(seeded), content=raw, headers=_JSON)

    assert_problem(response, 400)


@pytest.mark.parametrize(
    ("target", "body", "field"),
    [
        ("order", {**order_body(None), "surprise": 1}, "surprise"),
        ("order", {**order_body(None), "workflow_name": "forged"}, "workflow_name"),
        ("workflows", {**workflow_body("unknown fields"), "admin": True}, "admin"),
        (
            "workflows",
            {**workflow_body("nested unknown"), "trigger": {**workflow_body("x")["trigger"], "extra": 1}},
            "trigger.extra",
        ),
    ],
)
async def test_unknown_fields_are_400_naming_the_field(http: httpx.AsyncClient, seeded: Seeded, target, body, field):
    path = order_path(seeded) if target == "order" else "/v1/workflows"

    response = await http.post(path, content=encode(body), headers=_JSON)

    problem = assert_problem(response, 400)
    assert [error["field"] for error in problem["errors"]] == [field]


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
async def test_a_body_that_is_not_declared_json_is_415(http: httpx.AsyncClient, seeded: Seeded, content_type):
    headers = {} if content_type is None else {"content-type": content_type}

    response = await http.post(order_path(seeded), content=valid_order(), headers=headers)

    assert_problem(response, 415)


@pytest.mark.parametrize("raw", [b"", b"null", b"[]", b'"order"', b"{}", valid_order() + b" trailing"])
async def test_a_body_that_is_not_an_order_object_is_400(http: httpx.AsyncClient, seeded: Seeded, raw: bytes):
    response = await http.post(order_path(seeded), content=raw, headers=_JSON)

    assert_problem(response, 400)


# --- query strings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "query"),
    [
        ("history", "limit=1&limit=2"),
        ("history", "direction=BUY&direction=SELL"),
        ("history", "since=2020-01-01T00:00:00Z&since=2030-01-01T00:00:00Z"),
        ("latest", "limit=5&limit=500"),
        ("list", "enable=TRUE&enable=false"),
    ],
)
async def test_a_repeated_single_valued_query_parameter_is_400(
    http: httpx.AsyncClient, seeded: Seeded, target: str, query: str
):
    path = {"history": order_path(seeded), "latest": "/v1/orders/latest", "list": "/v1/workflows"}[target]

    response = await http.get(f"{path}?{query}")

    assert_problem(response, 400)


@pytest.mark.parametrize(
    "query",
    [
        "cursor=" + "A" * (10 * KIB),
        "cursor=" + "A" * (5 * KIB) + "." + "B" * (5 * KIB),
        "since=" + "2" * (10 * KIB),
        "limit=" + "9" * (5 * KIB),
        "direction=" + "B" * (10 * KIB),
        "limit=-1",
        "limit=0",
        "limit=101",
        "limit=abc",
        "since=2026-01-01T00:00:00",
        "since=2026-02-02T00:00:00Z&until=2026-02-01T00:00:00Z",
    ],
    ids=lambda query: query[:40],
)
async def test_oversized_or_malformed_history_parameters_are_400(http: httpx.AsyncClient, seeded: Seeded, query):
    response = await http.get(f"{order_path(seeded)}?{query}")

    assert_problem(response, 400)


# --- paths ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/v1/orders/..%2F..%2Fhealth%2Flive",
        "/v1/orders/../../health/live",
        "/v1/orders/%2e%2e/%2e%2e/metrics",
        "/v1/workflows/..%2F{other}",
        "/v1/workflows/{other}%2F..%2F{workflow}/orders",
        "/v1/workflows/{workflow}/../{other}/orders",
        "/v1/workflows/{workflow}/orders/..%2F..%2F{other}",
        "/v1/workflows/..%5C..%5C{other}",
        "/v1/orders/%00",
        "/v1/orders/{order}%00",
        "/v1/orders/" + "a" * (10 * KIB),
        "/v1/workflows/{workflow}%20OR%201=1",
    ],
)
async def test_a_path_that_is_not_a_plain_id_never_reaches_another_resource(api: Service, seeded: Seeded, target):
    raw = target.format(workflow=seeded.workflow_id, other=seeded.other_workflow_id, order=seeded.order_ids[0])
    client = RawHttp(api.port)
    try:
        response = await client.get(raw)
    finally:
        await client.close()

    assert response.status in (400, 404), (raw, response.status, response.body[:300])
    assert response.content_type == PROBLEM_JSON
    for order_id in seeded.order_ids + seeded.other_order_ids:
        assert order_id.encode() not in response.body


# --- cursors --------------------------------------------------------------------------------------


def altered(cursor: str) -> list[str]:
    """Variants of a genuine cursor: one character changed in each part, parts cut, swapped or padded."""
    payload, _, mac = cursor.partition(".")

    def flip(text: str, at: int) -> str:
        return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]

    return [
        f"{flip(payload, 0)}.{mac}",
        f"{flip(payload, len(payload) // 2)}.{mac}",
        f"{payload}.{flip(mac, len(mac) - 1)}",
        f"{payload}.{mac[:-2]}",
        f"{payload}",
        f"{payload}.{mac}.{mac}",
        f"{payload}=.{mac}",
        f"{mac}.{payload}",
        cursor.upper(),
        cursor + "%00",
        "",
    ]


@pytest.fixture(scope="module", params=["sqlite", "dynamodb"])
def api_on_each_storage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service per storage for the cursor tests (cursors meet the storage: positions become keys)."""
    storage = str(request.param)
    services = Services(
        Path(tmp_path_factory.mktemp(f"cursors-{storage}")), lambda: str(request.getfixturevalue("moto_endpoint"))
    )
    try:
        yield services.start(storage)
    finally:
        services.kill_all()


async def test_cursors_from_another_workflow_or_filter_or_altered_are_400_and_show_nothing(
    api_on_each_storage: Service,
):
    async with httpx.AsyncClient(base_url=api_on_each_storage.base_url, timeout=30.0) as http:
        seeded = await seed_two_workflows(http, "cursor")
        own = f"/v1/workflows/{seeded.workflow_id}/orders"
        first = await http.get(own, params={"limit": 2})
        cursor = first.json()["next_cursor"]
        assert cursor

        refused = {
            "another workflow": await http.get(
                f"/v1/workflows/{seeded.other_workflow_id}/orders", params={"cursor": cursor}
            ),
            "another filter": await http.get(own, params={"cursor": cursor, "direction": "BUY"}),
            "another window": await http.get(own, params={"cursor": cursor, "since": "2020-01-01T00:00:00Z"}),
        }
        for n, variant in enumerate(altered(cursor)):
            refused[f"altered {n}: {variant[:30]}"] = await http.get(f"{own}?cursor={variant}")
        for case, response in refused.items():
            assert response.status_code == 400, (case, response.status_code, response.text[:300])
            assert response.headers["content-type"].startswith(PROBLEM_JSON), case
            assert not any(i in response.text for i in seeded.order_ids + seeded.other_order_ids), case

        following = await http.get(own, params={"cursor": cursor, "limit": 100})
        assert following.status_code == 200
        assert {o["workflow_id"] for o in following.json()["orders"]} == {seeded.workflow_id}
        assert len(following.json()["orders"]) == 3


async def test_a_cursor_minted_with_the_built_in_secret_for_an_impossible_position_is_not_a_500(
    api_on_each_storage: Service,
):
    """WFO_CURSOR_SECRET defaults to a value printed in the source: anyone can mint a cursor with a valid MAC.
    Whatever position it carries, the answer is a 400 or a page of this workflow's orders, never a 500."""
    codec = CursorCodec(DEFAULT_CURSOR_SECRET.encode())
    async with httpx.AsyncClient(base_url=api_on_each_storage.base_url, timeout=30.0) as http:
        seeded = await seed_two_workflows(http, "forged")
        answers = {}
        for placed_at in (-(2**63) - 1, -(2**63), -1, 2**63, 2**64, 10**40):
            forged = codec.encode(seeded.workflow_id, HistoryFilter(), Position(placed_at, seeded.other_order_ids[0]))
            answers[placed_at] = await http.get(f"/v1/workflows/{seeded.workflow_id}/orders", params={"cursor": forged})

    statuses = {placed_at: response.status_code for placed_at, response in answers.items()}
    assert set(statuses.values()) <= {200, 400}, statuses
    for response in answers.values():
        if response.status_code == 200:
            assert {o["workflow_id"] for o in response.json()["orders"]} <= {seeded.workflow_id}


# --- headers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("request_id", ["a" * 129, "x" * (8 * KIB), "with space", "semi;colon", "<script>"])
async def test_an_unsafe_request_id_is_replaced_not_echoed(http: httpx.AsyncClient, request_id: str):
    response = await http.get("/health/live", headers={"x-request-id": request_id})

    assert response.status_code == 200
    assert response.headers["x-request-id"] != request_id
    assert 1 <= len(response.headers["x-request-id"]) <= 128
