"""Every order row shows the dry_run its workflow had when the order was recorded; a client cannot
set it."""

from typing import Any

from adapters.http.decimal_forms import DecimalForm
from adapters.http.event_frames import EventFrames
from adapters.http.response_bodies import ResponseBodies
from builders import make_order, workflow_body
from domain.model.feed import FeedEntry, FeedPosition


def rows_by_id(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {row["id"]: row["dry_run"] for row in rows}


def test_every_order_row_shows_the_dry_run_its_workflow_had_when_it_was_recorded(api):
    dry, live = api.create_workflow(name="Paper", dry_run=True), api.create_workflow(name="Real")

    recorded = {api.record_ok(workflow["id"])["id"]: workflow["dry_run"] for workflow in (dry, live)}

    assert list(recorded.values()) == [True, False]
    for order_id, dry_run in recorded.items():
        assert api.get(f"/v1/orders/{order_id}").json()["dry_run"] is dry_run
    assert rows_by_id(api.get("/v1/orders/latest").json()["orders"]) == recorded
    for workflow in (dry, live):
        history = api.history(workflow["id"]).json()["orders"]
        assert rows_by_id(history) == {row["id"]: recorded[row["id"]] for row in history}


def test_replacing_a_workflows_dry_run_changes_only_the_orders_recorded_after(api):
    workflow = api.create_workflow(name="Going live")
    before = api.record_ok(workflow["id"], placed_at=api.at(-60))

    replaced = api.send("PUT", f"/v1/workflows/{workflow['id']}", workflow_body("Going live", dry_run=True))
    assert replaced.status_code == 200, replaced.text
    after = api.record_ok(workflow["id"])

    assert (before["dry_run"], after["dry_run"]) == (False, True)
    history = api.history(workflow["id"]).json()["orders"]
    assert [(row["id"], row["dry_run"]) for row in history] == [(after["id"], True), (before["id"], False)]
    assert api.get(f"/v1/orders/{before['id']}").json()["dry_run"] is False


def test_a_client_sending_dry_run_gets_a_400_naming_it_and_nothing_is_recorded(api):
    workflow = api.create_workflow(dry_run=True)

    response = api.record(workflow["id"], dry_run=False)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["dry_run"]
    assert api.history(workflow["id"]).json()["total_count"] == 0


def test_a_stream_event_carries_the_orders_dry_run_and_null_for_an_order_recorded_before_it_was_captured() -> None:
    frames = EventFrames(ResponseBodies(), capacity=4)

    def frame(position: str, dry_run: bool | None) -> bytes:
        return frames.frame(
            FeedEntry(FeedPosition(position), make_order(dry_run=dry_run)), lambda _: position, DecimalForm.NUMBER
        )

    assert b'"dry_run":true' in frame("1", True)
    assert b'"dry_run":false' in frame("2", False)
    assert b'"dry_run":null' in frame("3", None)
