"""Decimals as strings for consumers who ask (`Accept: application/json; decimals=string`): every
read answers them with their exact digits, with a tag of its own; the default stays JSON numbers."""

from decimal import Decimal
from typing import Any

import pytest

EXACT = "12345.12345678901234567"
STRINGS = {"accept": "application/json; decimals=string"}


def _reads(api, workflow_id: str, order_id: str) -> dict[str, str]:
    return {
        "order": f"/v1/orders/{order_id}",
        "history": f"/v1/workflows/{workflow_id}/orders",
        "latest": "/v1/orders/latest",
        "workflow": f"/v1/workflows/{workflow_id}",
        "workflows": "/v1/workflows",
    }


@pytest.fixture
def recorded(api) -> tuple[Any, dict[str, str]]:
    workflow = api.create_workflow()
    order = api.record(
        workflow["id"], order_price=Decimal(EXACT), order_quantity=Decimal(EXACT), trigger_close=Decimal(0)
    )
    assert order.status_code == 201, order.text
    return api, _reads(api, workflow["id"], order.json()["id"])


def test_every_read_answers_decimals_as_strings_with_every_digit_when_asked(recorded):
    api, reads = recorded
    for name, url in reads.items():
        response = api.get(url, headers=STRINGS)

        assert response.status_code == 200, (name, response.text)
        assert response.headers["content-type"] == "application/json; decimals=string", name
        assert f'"{EXACT}"' in response.text, name
        assert f":{EXACT}" not in response.text, name
    order = api.get(reads["order"], headers=STRINGS).json()
    assert (order["order_price"], order["order_quantity"], order["trigger_close"]) == (EXACT, EXACT, "0")
    spread = api.get(reads["workflow"], headers=STRINGS).json()["conditions"][0]["close"]["spread"]
    assert isinstance(spread, str)


def test_without_the_parameter_decimals_stay_json_numbers(recorded):
    api, reads = recorded
    for name, url in reads.items():
        for accept in (None, "application/json", "*/*", "application/json; decimals=number"):
            response = api.get(url, headers={} if accept is None else {"accept": accept})

            assert response.headers["content-type"] == "application/json", (name, accept)
            assert f":{EXACT}" in response.text, (name, accept)
            assert f'"{EXACT}"' not in response.text, (name, accept)


def test_every_read_varies_on_accept(recorded):
    api, reads = recorded
    for name, url in reads.items():
        for headers in ({}, STRINGS):
            response = api.get(url, headers=headers)
            assert response.headers["vary"] == "Accept", name
            again = api.get(url, headers={**headers, "if-none-match": response.headers["etag"]})
            assert again.status_code == 304, name
            assert again.headers["vary"] == "Accept", name


def test_a_tag_of_one_form_never_gets_a_304_for_the_other(recorded):
    api, reads = recorded
    for name, url in reads.items():
        as_numbers = api.get(url)
        as_strings = api.get(url, headers=STRINGS)

        assert as_numbers.headers["etag"] != as_strings.headers["etag"], name
        strings_with_number_tag = api.get(url, headers={**STRINGS, "if-none-match": as_numbers.headers["etag"]})
        numbers_with_string_tag = api.get(url, headers={"if-none-match": as_strings.headers["etag"]})
        assert strings_with_number_tag.status_code == 200, name
        assert strings_with_number_tag.text == as_strings.text, name
        assert numbers_with_string_tag.status_code == 200, name
        assert numbers_with_string_tag.text == as_numbers.text, name


def test_writes_answer_in_the_form_asked_for(api, workflow_body):
    created = api.send("POST", "/v1/workflows", workflow_body(), headers=STRINGS)
    assert created.status_code == 201, created.text
    assert isinstance(created.json()["conditions"][0]["close"]["spread"], str)
    replaced = api.send("PUT", f"/v1/workflows/{created.json()['id']}", workflow_body(), headers=STRINGS)
    assert replaced.status_code == 200, replaced.text
    assert isinstance(replaced.json()["conditions"][0]["close"]["spread"], str)

    recorded = api.send("POST", f"/v1/workflows/{created.json()['id']}/orders", {"order_price": EXACT}, headers=STRINGS)

    assert recorded.status_code == 400  # the body lacks fields; a problem document, unchanged by the form
    assert recorded.headers["content-type"].startswith("application/problem+json")


def test_a_decimal_sent_as_a_string_reads_back_exactly_in_both_forms(api):
    workflow = api.create_workflow()
    order = api.record(workflow["id"], order_price=Decimal(EXACT)).json()
    stored = api.record(
        workflow["id"],
        f'{{"order_code":"FRA40.I","order_direction":"BUY","order_type":"LIMIT","order_price":"{EXACT}","order_quantity":"1e1"}}'.encode(),
    )

    assert stored.status_code == 201, stored.text
    assert f'"order_price":{EXACT},' in stored.text
    assert '"order_quantity":10,' in stored.text
    assert api.get(f"/v1/orders/{stored.json()['id']}", headers=STRINGS).json()["order_price"] == EXACT
    assert order["order_price"] == float(EXACT)


@pytest.mark.parametrize(
    ("accept", "strings"),
    [
        ("application/json; decimals=string", True),
        ('application/json;DECIMALS="String"', True),
        ("text/html, */*; q=0.5; decimals=string", True),
        ("application/json; decimals=number", False),
        ("application/json; decimals=strings", False),
        ("application/json", False),
        ("decimals=string", False),  # no media range, so no parameter
        ("", False),
    ],
)
def test_the_string_form_is_asked_for_by_the_decimals_parameter_of_a_media_range(api, accept, strings):
    workflow = api.create_workflow()
    api.record(workflow["id"], order_price=Decimal(EXACT))

    response = api.get("/v1/orders/latest", headers={"accept": accept})

    assert response.status_code == 200
    assert (f'"order_price":"{EXACT}"' in response.text) is strings
    assert (response.headers["content-type"] == "application/json; decimals=string") is strings
