"""Query strings: a route takes only the parameters it declares, and one 400 lists every problem."""

import pytest

from adapters.http.query import QueryCheck
from app.factory import create_app
from app.settings import Settings
from builders import UNKNOWN_ID


def _problems(response):
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/v1/workflows", "enable"),
        (f"/v1/workflows/{UNKNOWN_ID}", "none"),
        (f"/v1/workflows/{UNKNOWN_ID}/orders", "cursor, direction, limit, since, until"),
        (f"/v1/orders/{UNKNOWN_ID}", "none"),
        ("/v1/orders/latest", "direction, limit"),
        ("/v1/orders/stream", "direction, last_event_id, since, workflow_id"),
    ],
)
def test_a_parameter_the_route_does_not_declare_is_a_400_naming_it_and_what_is_allowed(client, path, allowed):
    problems = _problems(client.get(path, params={"name": "x"}))

    assert problems == {"name": f"is not a parameter of this endpoint (allowed: {allowed})"}


def test_a_filter_that_does_not_exist_no_longer_returns_everything(api):
    api.create_workflow(name="Kept")

    assert api.get("/v1/workflows", params={"name": "Other"}).status_code == 400


def test_a_long_unknown_name_is_repeated_shortened(client):
    problems = _problems(client.get("/v1/orders/latest", params={"n" * 5000: "1"}))

    assert list(problems) == ["n" * 64 + "…"]


def test_every_invalid_parameter_is_listed_in_one_400(client):
    response = client.get(
        f"/v1/workflows/{UNKNOWN_ID}/orders",
        params={"limit": "0", "since": "yesterday", "until": "0001-01-01T00:00:00+23:59", "direction": "HOLD", "x": ""},
    )

    assert _problems(response) == {
        "x": "is not a parameter of this endpoint (allowed: cursor, direction, limit, since, until)",
        "limit": "must be an integer from 1 to 100",
        "since": "must be an RFC 3339 timestamp",
        "until": "must fall between years 1 and 9999 once converted to UTC",
        "direction": "must be one of BUY, SELL",
    }


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/v1/orders/latest", {"direction": "buy"}, "direction", "must be one of BUY, SELL"),
        ("/v1/workflows", {"enable": "yes"}, "enable", "must be one of true, false"),
        ("/v1/orders/stream", {"direction": "HOLD"}, "direction", "must be one of BUY, SELL"),
        ("/v1/orders/latest", {"limit": "1e2"}, "limit", "must be an integer from 1 to 100"),
        ("/v1/orders/latest", {"limit": "9" * 40}, "limit", "must be an integer from 1 to 100"),
        ("/v1/orders/stream", {"workflow_id": "wf-1"}, "workflow_id", "must be a UUID"),
    ],
)
def test_a_value_outside_its_declared_set_or_range_names_what_is_allowed(client, path, params, field, message):
    assert _problems(client.get(path, params=params)) == {field: message}


@pytest.mark.parametrize(
    ("path", "name"),
    [(f"/v1/workflows/{UNKNOWN_ID}/orders", "cursor"), ("/v1/orders/stream", "last_event_id")],
)
def test_an_empty_token_parameter_is_a_400_and_the_document_says_so(client, path, name):
    assert _problems(client.get(path, params={name: ""})) == {name: "must not be empty"}

    document = client.get("/schema/openapi.json").json()
    template = path.replace(UNKNOWN_ID, "{workflow_id}")
    declared = next(p for p in document["paths"][template]["get"]["parameters"] if p["name"] == name)
    assert declared["schema"]["minLength"] == 1


def test_a_repeated_parameter_is_named_once_without_a_second_message_for_its_value(client):
    problems = _problems(client.get("/v1/orders/latest?limit=0&limit=5"))

    assert problems == {"limit": "must be given at most once"}


def test_valid_parameters_still_pass(api):
    workflow = api.create_workflow()

    response = api.history(workflow["id"], limit=5, direction="BUY", since="2026-01-01T00:00:00Z")

    assert response.status_code == 200, response.text


def test_every_query_parameter_the_app_declares_has_a_check(tmp_path):
    app = create_app(Settings(sqlite_path=str(tmp_path / "orders.db")))

    by_handler = QueryCheck.read_routes(app.routes)  # raises TypeError for a type it cannot check

    declared = {name for route_query in by_handler.values() for name in route_query.checks}
    assert declared == {
        *("enable", "limit", "cursor", "since", "until", "direction", "last_event_id", "workflow_id"),
        *("day", "tz", "order_code", "dry_run"),
    }
