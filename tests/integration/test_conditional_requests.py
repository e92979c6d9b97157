"""Conditional GETs on both storages: every 200 of the five reads carries a strong ETag; If-None-Match
with it answers 304; the tag changes whenever the body would (new and late orders, expiry at the exact
second, replace, delete, another query) and not on a replay; a 304 costs one storage call at most."""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from builders import iso, workflow_body
from integration.app_api import Api

pytest_plugins = ["dynamodb_server", "integration.app_api"]  # the `api` fixture, on both storages

_JSON = {"content-type": "application/json"}


@dataclass
class Seen:
    """The five reads of one workflow and one order: url → (tag, body)."""

    answers: dict[str, tuple[str, Any]]

    def tag(self, url: str) -> str:
        return self.answers[url][0]

    def changed(self, other: "Seen") -> set[str]:
        return {url for url in self.answers if self.tag(url) != other.tag(url)}


def urls(workflow_id: str, order_id: str) -> list[str]:
    return [
        f"/v1/workflows/{workflow_id}/orders",
        f"/v1/orders/{order_id}",
        f"/v1/workflows/{workflow_id}",
        "/v1/workflows",
        "/v1/orders/latest",
    ]


def read_all(api: Api, workflow_id: str, order_id: str) -> Seen:
    answers = {}
    for url in urls(workflow_id, order_id):
        response = api.get(url)
        assert response.status_code == 200, f"{url}: {response.text}"
        answers[url] = (response.headers["etag"], json.loads(response.text, parse_float=Decimal))
    return Seen(answers)


def assert_tags_follow_bodies(before: Seen, after: Seen) -> None:
    """Never a stale 304: where a body changed, its tag changed."""
    for url, (tag, body) in after.answers.items():
        if body != before.answers[url][1]:
            assert tag != before.tag(url), f"{url}: body changed, tag did not"


def test_every_read_has_a_strong_tag_and_answers_304_to_it_in_every_form(api: Api) -> None:
    workflow_id = api.workflow("tagged")
    order_id = api.record(workflow_id, api.clock.now() - 60)

    for url in urls(workflow_id, order_id):
        first = api.get(url)
        tag = first.headers["etag"]
        assert tag.startswith('"'), url
        assert tag.endswith('"'), url
        assert first.headers["cache-control"] == "private, no-cache"
        for condition in (tag, f"W/{tag}", f'"elsewhere", {tag}', "*"):
            again = api.get(url, condition)
            assert again.status_code == 304, f"{url} with {condition}: {again.status_code}"
            assert again.content == b""
            assert again.headers["etag"] == tag
            assert again.headers["x-request-id"]
        for condition in ('"elsewhere"', "not a tag", 'W/"elsewhere"'):
            assert api.get(url, condition).status_code == 200, f"{url} with {condition}"
        assert api.get(url).content == first.content


def test_a_new_order_changes_every_tag_a_late_one_what_it_shows_and_a_replay_nothing(api: Api) -> None:
    now = api.clock.now()
    workflow_id = api.workflow("changing")
    order_id = api.record(workflow_id, now - 600)
    start = read_all(api, workflow_id, order_id)

    api.record(workflow_id, now - 10)
    newer = read_all(api, workflow_id, order_id)
    assert newer.changed(start) == set(start.answers) - {f"/v1/orders/{order_id}"}

    api.record(workflow_id, now - 3600)  # late: older than every order so far
    late = read_all(api, workflow_id, order_id)
    assert {f"/v1/workflows/{workflow_id}/orders", f"/v1/workflows/{workflow_id}"} <= late.changed(newer)
    assert_tags_follow_bodies(newer, late)

    api.record(workflow_id, now - 600, order_id)  # a replay: 200, nothing written
    assert read_all(api, workflow_id, order_id).changed(late) == set()


def test_an_order_expiring_changes_the_tags_at_the_exact_second(api: Api) -> None:
    placed = api.clock.now() - 60
    workflow_id = api.workflow("expiring")
    old_id = api.record(workflow_id, placed)
    new_id = api.record(workflow_id, placed + 30)
    expires_at = placed + 604_800

    api.clock.set(expires_at - 1)
    last_second = read_all(api, workflow_id, new_id)
    api.clock.set(expires_at - 2)
    assert read_all(api, workflow_id, new_id).changed(last_second) == set()

    api.clock.set(expires_at)
    expired = read_all(api, workflow_id, new_id)
    assert expired.changed(last_second) == {f"/v1/workflows/{workflow_id}/orders", f"/v1/workflows/{workflow_id}"}
    assert_tags_follow_bodies(last_second, expired)
    gone = api.get(f"/v1/orders/{old_id}", last_second.tag(f"/v1/orders/{new_id}"))
    assert gone.status_code == 404
    assert "etag" not in gone.headers


def test_replacing_twice_in_one_second_and_deleting_change_the_workflow_tag(api: Api) -> None:
    workflow_id = api.workflow("replaced")
    order_id = api.record(workflow_id, api.clock.now() - 5)
    url = f"/v1/workflows/{workflow_id}"
    tags = [api.get(url).headers["etag"]]
    for name in ("replaced once", "replaced twice"):  # the clock does not move: same updated_at
        assert api.send("PUT", url, workflow_body(name)).status_code == 200
        tags.append(api.get(url).headers["etag"])
    assert len(set(tags)) == 3
    history_tag = api.get(f"{url}/orders").headers["etag"]

    assert api.client.delete(url).status_code == 204

    deleted = api.get(url, tags[-1])
    assert deleted.status_code == 404
    assert "etag" not in deleted.headers
    assert api.get(f"{url}/orders", history_tag).status_code == 200  # still served, no longer live
    assert api.get(f"/v1/orders/{order_id}").status_code == 200


def test_another_query_is_another_tag(api: Api) -> None:
    now = api.clock.now()
    workflow_id = api.workflow("queried")
    for seconds in (50, 40, 30):
        api.record(workflow_id, now - seconds, order_direction="SELL" if seconds == 40 else "BUY")
    url = f"/v1/workflows/{workflow_id}/orders"
    cursor = api.get(url, limit=1).json()["next_cursor"]
    queries: list[dict[str, Any]] = [
        {},
        {"limit": 1},
        {"limit": 1, "cursor": cursor},
        {"since": iso(now - 45)},
        {"until": iso(now - 35)},
        {"direction": "SELL"},
    ]

    tags = [api.get(url, **query).headers["etag"] for query in queries]

    assert len(set(tags)) == len(queries)
    assert api.get(url, tags[1], limit=1).status_code == 304
    assert api.get(url, tags[1], limit=2).status_code == 200


def test_a_matching_revalidation_costs_one_storage_call_at_most(api: Api) -> None:
    workflow_id = api.workflow("cheap")
    order_id = api.record(workflow_id, api.clock.now() - 5)
    for url in urls(workflow_id, order_id)[:3]:
        tag = api.get(url).headers["etag"]
        before = api.storage_calls()
        assert api.get(url, tag).status_code == 304
        assert (api.storage_calls() - before).total() <= 1, url  # a kept order: none
