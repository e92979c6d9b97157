"""The OpenAPI document the service serves describes the contract's paths, codes and fields."""

import pytest
from api_field_names import (
    ORDER_DETAIL,
    ORDER_LIST_ITEM,
    ORDER_SUMMARY,
    RECORD_ORDER_REQUEST,
    WORKFLOW_DETAIL,
    WORKFLOW_LIST_ITEM,
    WORKFLOW_REQUEST,
)

CONTRACT_OPERATIONS = {
    ("/v1/workflows", "post"): {"201", "400", "409", "413", "415"},
    ("/v1/workflows", "get"): {"200", "400"},
    ("/v1/workflows/{workflow_id}", "get"): {"200", "400", "404"},
    ("/v1/workflows/{workflow_id}", "put"): {"200", "400", "404", "409", "413", "415"},
    ("/v1/workflows/{workflow_id}", "delete"): {"204", "400", "404"},
    ("/v1/workflows/{workflow_id}/orders", "post"): {"200", "201", "400", "404", "409", "413", "415"},
    ("/v1/workflows/{workflow_id}/orders", "get"): {"200", "400", "404"},
    ("/v1/orders/{order_id}", "get"): {"200", "400", "404"},
    ("/v1/orders/latest", "get"): {"200", "400"},
    ("/v1/orders", "get"): {"200", "400"},
    ("/v1/orders/summary", "get"): {"200", "400"},
    ("/v1/orders/stream", "get"): {"200", "400", "410"},
    ("/health/live", "get"): {"200"},
    ("/health/ready", "get"): {"200", "503"},
}
SCHEMA_FIELDS = {
    "WorkflowRequest": WORKFLOW_REQUEST,
    "WorkflowDetail": WORKFLOW_DETAIL,
    "OrderSummary": ORDER_SUMMARY,
    "WorkflowListItem": WORKFLOW_LIST_ITEM,
    "RecordOrderRequest": RECORD_ORDER_REQUEST,
    "WorkflowOrderListItem": ORDER_LIST_ITEM,
    "WorkflowOrderDetail": ORDER_DETAIL,
    "WorkflowOrderHistoryResponse": {"workflow_id", "orders", "total_count", "limit", "next_cursor"},
}
ENUMS = {
    "OrderDirection": ["BUY", "SELL"],
    "OrderType": ["LIMIT", "OPEN_STOP"],
    "AssetType": [
        "WarrantOpenEndKnockOut",
        "WarrantKnockOut",
        "Etf",
        "Etc",
        "MiniFuture",
        "Stock",
        "StockIndex",
        "CfdOnIndex",
        "CfdOnFutures",
        "Crypto",
    ],
    "UnitTime": ["15m", "h1", "h4", "daily", "weekly", "monthly"],
    "IndicatorName": ["ma50", "combo", "bbb", "bbh", "polarite", "zone"],
}


@pytest.fixture(scope="module")
def document(module_client):
    """The document the app serves, read once: these tests only read it."""
    response = module_client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def _types(schema):
    """The JSON types a property schema allows (through oneOf/anyOf, ignoring null)."""
    options = schema.get("oneOf") or schema.get("anyOf") or [schema]
    kinds = set()
    for option in options:
        kind = option.get("type")
        kinds.update(kind if isinstance(kind, list) else [kind])
    return kinds - {"null", None}


def test_the_document_lists_every_operation_of_the_contract_with_its_status_codes(document):
    for (path, method), statuses in CONTRACT_OPERATIONS.items():
        assert method in document["paths"].get(path, {}), (path, method)
        documented = set(document["paths"][path][method]["responses"])
        assert statuses <= documented, (path, method, statuses - documented)


def test_the_document_has_no_operations_beyond_the_contract(document):
    served = {(path, method) for path, item in document["paths"].items() for method in item}

    assert served - set(CONTRACT_OPERATIONS) <= {("/metrics", "get")}


def test_the_document_describes_the_metrics_endpoint(document):
    assert "get" in document["paths"].get("/metrics", {})


@pytest.mark.parametrize(("schema", "fields"), SCHEMA_FIELDS.items())
def test_body_schemas_use_exactly_the_contract_field_names(document, schema, fields):
    assert set(document["components"]["schemas"][schema]["properties"]) == fields


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("RecordOrderRequest", "order_price"),
        ("RecordOrderRequest", "order_quantity"),
        ("RecordOrderRequest", "trigger_close"),
        ("WorkflowOrderDetail", "order_price"),
        ("WorkflowOrderListItem", "order_quantity"),
        ("OrderSummary", "last_order_price"),
        ("WorkflowListItem", "last_order_quantity"),
        ("TriggerBody", "quantity"),
        ("CloseBody", "spread"),
    ],
)
def test_decimals_are_documented_as_json_numbers_or_strings(document, schema, field):
    assert _types(document["components"]["schemas"][schema]["properties"][field]) == {"number", "string"}


@pytest.mark.parametrize(("name", "values"), ENUMS.items())
def test_enumerations_list_the_contract_values(document, name, values):
    assert sorted(document["components"]["schemas"][name]["enum"]) == sorted(values)


def test_error_responses_are_documented_as_problem_json(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert set(response.get("content", {})) == {"application/problem+json"}, (
                        path,
                        method,
                        status,
                    )


def test_query_limits_are_documented_with_their_bounds_and_defaults(document):
    def limit(path):
        [parameter] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "limit"]
        schema = parameter["schema"]
        return schema["minimum"], schema["maximum"], schema["default"]

    assert limit("/v1/workflows/{workflow_id}/orders") == (1, 100, 20)
    assert limit("/v1/orders/latest") == (1, 100, 100)


def test_the_document_declares_bearer_authentication(document):
    schemes = document.get("components", {}).get("securitySchemes", {})

    assert any(s.get("type") == "http" and s.get("scheme", "").lower() == "bearer" for s in schemes.values())
    secured = document["paths"]["/v1/workflows"]["post"].get("security", document.get("security"))
    public = document["paths"]["/health/live"]["get"].get("security", document.get("security"))
    assert secured
    assert public == []  # said explicitly: anyone may call it


def test_the_schema_page_is_browsable(client):
    response = client.get("/schema")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
