"""The committed openapi.json is exactly what the app serves."""

import json
from pathlib import Path

from litestar.testing import TestClient

from adapters.http.numbers import DECIMAL_STRING_PATTERN
from app.factory import create_app
from app.openapi_document import openapi_json
from app.settings import Settings

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


def test_committed_openapi_document_equals_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == openapi_json(), (
        "openapi.json is stale: run `workflow-orders openapi > openapi.json`"
    )


def test_committed_openapi_document_equals_what_the_service_serves(tmp_path: Path) -> None:
    app = create_app(Settings(sqlite_path=str(tmp_path / "orders.db"), log_format="console"))
    with TestClient(app) as client:
        served = client.get("/schema/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_openapi_document_describes_decimals_as_exact_json_numbers_or_strings() -> None:
    schemas = json.loads(COMMITTED.read_text(encoding="utf-8"))["components"]["schemas"]
    number, string = schemas["WorkflowOrderDetail"]["properties"]["order_price"]["oneOf"]
    assert number == {"type": "number", "format": "decimal"}
    assert string == {"type": "string", "format": "decimal", "pattern": DECIMAL_STRING_PATTERN}
    request = schemas["RecordOrderRequest"]["properties"]["order_quantity"]["oneOf"]
    assert [option["type"] for option in request] == ["number", "string"]
