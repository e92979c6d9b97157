"""Export → import through the real CLI, across storages and back, checked through the real HTTP API.

SQLite (service A) → export → DynamoDB on moto (service B) → export → a fresh SQLite (service C):
every workflow, order, history page, count and latest order reads the same on all three, to the
last digit; the two export files are the same records; a second import creates nothing.
"""

import json
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from builders import encode, iso, order_body, workflow_body
from integration.dynamodb_server import REGION, start_server
from integration.service_process import ServiceProcess, run_command, service_env

pytestmark = pytest.mark.slow  # service processes, CLI processes and a moto server

_JSON = {"content-type": "application/json"}
PRICE_23_DIGITS = Decimal("12345.12345678901234567")


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server, url = start_server()
    yield url
    server.stop()


def dynamodb_env(endpoint: str) -> dict[str, str]:
    return {
        "WFO_STORAGE": "dynamodb",
        "WFO_DYNAMODB_TABLE_PREFIX": f"move{uuid.uuid4().hex[:8]}-",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


def cli(args: list[str], sqlite_path: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = run_command(args, service_env(sqlite_path, env), timeout=120.0)
    return done.returncode, done.stderr


def populate(base_url: str) -> list[str]:
    """Workflows and orders through the API, with every case an export must carry; the ids of orders
    of the deleted workflow (no history endpoint reaches them)."""
    now = int(time.time())
    with httpx.Client(base_url=base_url, timeout=30.0) as http:

        def create(name: str, **fields: Any) -> str:
            answer = http.post("/v1/workflows", content=encode(workflow_body(name, **fields)), headers=_JSON)
            assert answer.status_code == 201, answer.text
            return str(answer.json()["id"])

        def record(workflow_id: str, *, placed_at: int, **fields: Any) -> str:
            body = order_body(id=str(uuid.uuid4()), placed_at=iso(placed_at), **fields)
            answer = http.post(f"/v1/workflows/{workflow_id}/orders", content=encode(body), headers=_JSON)
            assert answer.status_code == 201, answer.text
            return str(body["id"])

        alpha = create("alpha")
        record(alpha, order_price=PRICE_23_DIGITS, placed_at=now - 3600, trigger_close=Decimal("0"))
        record(alpha, placed_at=now - 60, order_direction="SELL", asset_type="Etf", execution_context="ctx")
        record(alpha, placed_at=now - 60, order_quantity=Decimal("0.000000000000000000000000000000000001"))
        renamed = http.put(f"/v1/workflows/{alpha}", content=encode(workflow_body("alpha renamed")), headers=_JSON)
        assert renamed.status_code == 200, renamed.text
        record(alpha, placed_at=now - 5)
        beta = create("beta", enable=False)
        kept = [record(beta, placed_at=now - 86_400 * day) for day in (1, 2, 6)]
        assert http.delete(f"/v1/workflows/{beta}").status_code == 204
        create("gamma")
        gone = create("delta, deleted without orders")
        assert http.delete(f"/v1/workflows/{gone}").status_code == 204
        create("beta")  # a live workflow with the name the deleted one had
    return kept


def read_everything(base_url: str, order_ids: list[str]) -> dict[str, Any]:
    """What a consumer can read: the list, each workflow, every history page, each order, latest,
    and the window of every workflow's orders with its summary."""
    with httpx.Client(base_url=base_url, timeout=30.0) as http:

        def get(path: str, **params: Any) -> Any:
            answer = http.get(path, params=params)
            assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text}"
            return json.loads(answer.text, parse_float=Decimal)

        seen: dict[str, Any] = {
            "list": get("/v1/workflows"),
            "latest": get("/v1/orders/latest"),
            "window": get("/v1/orders", limit=100),
            "summary": get("/v1/orders/summary"),
        }
        for listed in seen["list"]["workflows"]:
            workflow_id = listed["id"]
            seen[f"workflow {workflow_id}"] = get(f"/v1/workflows/{workflow_id}")
            pages, cursor = [], None
            while True:
                page = get(f"/v1/workflows/{workflow_id}/orders", limit=2, **({"cursor": cursor} if cursor else {}))
                cursor = page.pop("next_cursor", None)
                pages.append(page)
                order_ids += [order["id"] for order in page["orders"]]
                if not cursor:
                    break
            seen[f"history {workflow_id}"] = pages
        for order_id in sorted(set(order_ids)):
            seen[f"order {order_id}"] = get(f"/v1/orders/{order_id}")
    return seen


def records(export: Path) -> list[str]:
    """The export's lines after the format line (which carries the moment of the export)."""
    return export.read_text().splitlines()[1:]


def test_sqlite_to_dynamodb_and_back_keeps_every_record_to_the_last_digit(tmp_path: Path, moto_endpoint: str) -> None:
    source_db, back_db = tmp_path / "source.db", tmp_path / "back.db"
    first_export, second_export = tmp_path / "from-sqlite.ndjson", tmp_path / "from-dynamodb.ndjson"
    dynamodb = dynamodb_env(moto_endpoint)

    source = ServiceProcess(source_db, tmp_path).start()
    try:
        deleted_workflow_orders = populate(source.base_url)
        expected = read_everything(source.base_url, list(deleted_workflow_orders))
        code, err = cli(["export", "--output", str(first_export)], source_db)  # while A serves
        assert code == 0, err
    finally:
        source.stop()
    assert "exported 4 workflows (1 deleted) and 7 orders" in err
    assert str(PRICE_23_DIGITS) in first_export.read_text()

    assert cli(["create-tables"], tmp_path / "unused.db", dynamodb)[0] == 0
    code, err = cli(["import", str(first_export)], tmp_path / "unused.db", dynamodb)
    assert code == 0, err
    assert "11 created, 0 already present, 0 refused" in err
    code, err = cli(["import", str(first_export)], tmp_path / "unused.db", dynamodb)
    assert code == 0, err
    assert "0 created, 11 already present, 0 refused" in err

    on_dynamodb = ServiceProcess(tmp_path / "unused.db", tmp_path, dynamodb).start()
    try:
        assert read_everything(on_dynamodb.base_url, list(deleted_workflow_orders)) == expected
        code, err = cli(["export", "-o", str(second_export)], tmp_path / "unused.db", dynamodb)
        assert code == 0, err
    finally:
        on_dynamodb.stop()
    assert records(second_export) == records(first_export)

    code, err = cli(["import", str(second_export)], back_db)
    assert code == 0, err
    back = ServiceProcess(back_db, tmp_path).start()
    try:
        assert read_everything(back.base_url, list(deleted_workflow_orders)) == expected
    finally:
        back.stop()
