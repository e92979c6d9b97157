"""/metrics counts recorded orders by outcome, both outcomes shown from the start."""

import re


def _recorded(text: str) -> dict[str, float]:
    pattern = r'^workflow_orders_recorded_total\{outcome="(\w+)"\} (\S+)$'
    return {outcome: float(value) for outcome, value in re.findall(pattern, text, re.MULTILINE)}


def test_a_fresh_service_shows_created_and_replayed_orders_at_zero(client):
    assert _recorded(client.get("/metrics").text) == {"created": 0.0, "replayed": 0.0}


def test_a_new_order_counts_as_created_and_the_same_order_again_as_replayed(api):
    workflow = api.create_workflow()
    order = {"id": "a1b2c3d4-e5f6-4789-a012-b3c4d5e6f7a8", "placed_at": api.at()}
    assert api.record(workflow["id"], **order).status_code == 201
    assert api.record(workflow["id"], **order).status_code == 200
    assert api.record(workflow["id"], **order).status_code == 200

    assert _recorded(api.get("/metrics").text) == {"created": 1.0, "replayed": 2.0}
