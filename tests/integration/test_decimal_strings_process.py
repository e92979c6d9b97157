"""Decimals as strings, as consumers outside Python meet them, against a real `workflow-orders
serve` process: the live stream in the form its GET asked for, and clients generated from the
committed openapi.json by openapi-python-client and openapi-typescript (with fetch), which round-trip
a 23-digit price exactly when they ask for strings, and keep getting numbers when they do not.

The generators are the pinned ones of .ci/install-generators, which CI runs into .ci/generators;
without that directory the test installs them into a temporary one, and skips only when they
cannot be installed (no network to PyPI or npm, no npm). Generated code stays in temporary
directories.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from service_process import ServiceProcess

from builders import encode, order_body, workflow_body
from sse_client import open_stream, stream_client

pytestmark = pytest.mark.slow  # starts the service as a process; installs and runs the generators

ROOT = Path(__file__).resolve().parents[2]
CONSUMERS = Path(__file__).parent / "fixtures" / "generated_clients"
PRICE = "12345.12345678901234567"
"""23 significant digits: a binary float keeps about 17 of them."""
AS_FLOAT = 12345.123456789011
"""What a binary float makes of PRICE (JavaScript's JSON.parse, Python's float)."""
STRINGS = "application/json; decimals=string"
DEADLINE_SECONDS = 60.0


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    directory = tmp_path_factory.mktemp("decimal-strings")
    started = ServiceProcess(directory / "orders.db", directory, {"WFO_STREAM_HEARTBEAT_SECONDS": "1"}).start()
    try:
        yield started
    finally:
        started.kill()


@pytest.fixture(scope="module")
def workflow_id(service: ServiceProcess) -> str:
    created = httpx.post(
        f"{service.base_url}/v1/workflows",
        content=encode(workflow_body("generated clients")),
        headers={"content-type": "application/json"},
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


@pytest.fixture(scope="module")
def generators(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory of the pinned generators: .ci/generators, or a fresh install of them."""
    installed = ROOT / ".ci" / "generators"
    if (installed / "venv").is_dir() and (installed / "node").is_dir():
        return installed
    target = tmp_path_factory.mktemp("generators")
    try:
        done = subprocess.run(
            [str(ROOT / ".ci" / "install-generators"), str(target)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"the client generators could not be installed: {error}")
    if done.returncode != 0:
        pytest.skip(f"the client generators could not be installed:\n{done.stdout}\n{done.stderr}")
    return target


def run(args: list[str | Path], cwd: Path) -> str:
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=DEADLINE_SECONDS * 3, check=False
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


async def test_the_stream_sends_decimals_as_strings_when_its_get_asked_for_them(
    service: ServiceProcess, workflow_id: str
):
    async with (
        asyncio.timeout(DEADLINE_SECONDS),
        stream_client(service.base_url, 3) as client,
        open_stream(client, accept="text/event-stream; decimals=string") as strings,
        open_stream(client) as numbers,
    ):
        recorded = await client.post(
            f"/v1/workflows/{workflow_id}/orders",
            content=encode(order_body(order_price=Decimal(PRICE))),
            headers={"content-type": "application/json"},
        )
        assert recorded.status_code == 201, recorded.text
        as_string, as_number = await strings.next_event(), await numbers.next_event()

    assert as_string is not None
    assert as_number is not None
    assert strings.response.headers["content-type"] == "text/event-stream; charset=utf-8; decimals=string"
    assert numbers.response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert f'"order_price":"{PRICE}",' in as_string.data
    assert f'"order_price":{PRICE},' in as_number.data  # a JSON number with every digit, as before


def test_a_client_generated_by_openapi_python_client_round_trips_every_digit_when_it_asks_for_strings(
    service: ServiceProcess, workflow_id: str, generators: Path, tmp_path: Path
):
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n", encoding="utf-8")
    package = tmp_path / "generated_client"
    run(
        [generators / "venv/bin/openapi-python-client", "generate", "--path", ROOT / "openapi.json",
         "--meta", "none", "--output-path", package, "--config", config],
        tmp_path,
    )  # fmt: skip
    shutil.copy(CONSUMERS / "python_consumer.py", tmp_path)

    output = run([generators / "venv/bin/python", "python_consumer.py", service.base_url, workflow_id, PRICE], tmp_path)

    got = json.loads(output)
    assert got["field_type"] == "float | str"  # the generator read the document as number or string
    assert (got["recorded"], got["read"], got["read_quantity"]) == (PRICE, PRICE, PRICE)
    assert got["default"] == AS_FLOAT  # without asking: JSON numbers, as before (a float in this client)


def test_a_client_typed_by_openapi_typescript_round_trips_every_digit_with_fetch_when_it_asks_for_strings(
    service: ServiceProcess, workflow_id: str, generators: Path, tmp_path: Path
):
    bin_dir = generators / "node/node_modules/.bin"
    run([bin_dir / "openapi-typescript", ROOT / "openapi.json", "-o", tmp_path / "api.d.ts"], tmp_path)
    for name in ("typescript_consumer.ts", "tsconfig.json"):
        shutil.copy(CONSUMERS / name, tmp_path)
    run([bin_dir / "tsc", "-p", tmp_path / "tsconfig.json"], tmp_path)  # strict: a string price must type-check

    output = run(["node", tmp_path / "out/typescript_consumer.js", service.base_url, workflow_id, PRICE], tmp_path)

    got = json.loads(output)
    assert got["status"] == 201
    assert (got["recorded"], got["read"], got["read_quantity"]) == (PRICE, PRICE, PRICE)
    assert got["default"] == AS_FLOAT  # JSON.parse of the default form: the digits a float keeps
