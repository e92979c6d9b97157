"""The body cache on both storages: a repeated read whose revision is unchanged is served from the
kept bytes after one revision read, and /metrics counts it; a changed revision (an order recorded,
an order expiring) never serves kept bytes."""

import json
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from httpx import Response
from litestar.testing import TestClient

from app.factory import create_app
from app.settings import Settings
from integration.app_api import Api
from unit.fakes import FixedClock

pytest_plugins = ["dynamodb_server", "integration.app_api"]  # the `api` fixture, on both storages

_JSON = {"content-type": "application/json"}
RETENTION = 604_800


def _body(response: Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


def test_a_repeated_read_is_served_from_the_kept_body_after_one_revision_read_at_most(api: Api) -> None:
    workflow_id = api.workflow("kept")
    order_id = api.record(workflow_id, api.clock.now() - 60)
    revision_read = Counter({"revisions.of_workflow": 1})
    for url, repeated_cost in (
        (f"/v1/workflows/{workflow_id}/orders?limit=5", revision_read),
        (f"/v1/workflows/{workflow_id}", revision_read),
        (f"/v1/orders/{order_id}", Counter()),  # an order's body stays current while it is visible
    ):
        first = api.get(url)
        hits = api.metrics()["workflow_orders_body_cache_hits_total"]

        again, calls = api.calls_of(url)

        assert (again.status_code, again.content, again.headers["etag"]) == (200, first.content, first.headers["etag"])
        assert again.headers["content-type"] == first.headers["content-type"]
        assert calls == repeated_cost, url
        assert api.metrics()["workflow_orders_body_cache_hits_total"] == hits + 1


def test_the_string_form_of_decimals_is_kept_apart_from_the_number_form(api: Api) -> None:
    workflow_id = api.workflow("forms")
    api.record(workflow_id, api.clock.now() - 60)
    url = f"/v1/workflows/{workflow_id}/orders"
    strings = {"accept": "application/json; decimals=string"}
    number = api.get(url)
    string = api.client.get(url, headers=strings)

    assert api.client.get(url, headers=strings).content == string.content
    assert api.get(url).content == number.content
    assert number.content != string.content
    assert number.headers["etag"] != string.headers["etag"]


def test_an_order_recorded_between_two_reads_gives_a_new_body_and_tag(api: Api) -> None:
    now = api.clock.now()
    workflow_id = api.workflow("growing")
    api.record(workflow_id, now - 60)
    history, detail = f"/v1/workflows/{workflow_id}/orders", f"/v1/workflows/{workflow_id}"
    before = {url: (api.get(url), api.get(url)) for url in (history, detail)}  # the second one kept

    new_id = api.record(workflow_id, now - 10)

    after_history, after_detail = api.get(history), api.get(detail)
    assert after_history.headers["etag"] != before[history][1].headers["etag"]
    assert after_detail.headers["etag"] != before[detail][1].headers["etag"]
    assert _body(after_history)["orders"][0]["id"] == new_id
    assert _body(after_history)["total_count"] == 2
    assert _body(after_detail)["order_summary"]["total_count"] == 2
    assert api.get(history).content == after_history.content  # the new body is the one kept now


def test_an_order_expiring_changes_the_page_and_is_a_404_though_its_body_was_kept(api: Api) -> None:
    placed = api.clock.now() - 60
    workflow_id = api.workflow("expiring")
    old_id = api.record(workflow_id, placed)
    new_id = api.record(workflow_id, placed + 30)
    history, old_order = f"/v1/workflows/{workflow_id}/orders", f"/v1/orders/{old_id}"
    for url in (history, old_order, history, old_order):  # read, then served from the kept body
        assert api.get(url).status_code == 200
    kept = api.get(history)

    api.clock.set(placed + RETENTION)

    page = api.get(history)
    assert page.headers["etag"] != kept.headers["etag"]
    assert [order["id"] for order in _body(page)["orders"]] == [new_id]
    assert _body(page)["total_count"] == 1
    gone = api.get(old_order)
    assert gone.status_code == 404
    assert "etag" not in gone.headers


def test_metrics_count_hits_misses_and_the_bytes_kept(api: Api) -> None:
    workflow_id = api.workflow("counted")
    api.record(workflow_id, api.clock.now() - 60)
    url = f"/v1/workflows/{workflow_id}/orders"
    start = api.metrics()

    body = api.get(url).content
    for _ in range(3):
        api.get(url)

    end = api.metrics()
    assert end["workflow_orders_body_cache_misses_total"] - start["workflow_orders_body_cache_misses_total"] == 1
    assert end["workflow_orders_body_cache_hits_total"] - start["workflow_orders_body_cache_hits_total"] == 3
    assert end["workflow_orders_body_cache_bytes"] - start["workflow_orders_body_cache_bytes"] >= len(body)
    assert end["workflow_orders_body_cache_evictions_total"] == 0


def test_with_the_cache_off_every_read_builds_its_body(tmp_path: Path) -> None:
    settings = Settings(sqlite_path=str(tmp_path / "orders.db"), log_format="console", body_cache_bytes=0)
    with TestClient(create_app(settings)) as client:
        api = Api(client, FixedClock(int(time.time())))
        workflow_id = api.workflow("uncached")
        api.record(workflow_id, int(time.time()) - 60)
        url = f"/v1/workflows/{workflow_id}/orders"
        first = api.get(url)

        again, calls = api.calls_of(url)

        assert again.content == first.content
        assert calls == Counter({"revisions.page": 1})  # no revision read first: one snapshot
        assert api.metrics()["workflow_orders_body_cache_hits_total"] == 0
