"""Recording orders through the test client: validation, exact decimals, idempotent replays."""

import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from api_field_names import ORDER_DETAIL

from builders import ORDER_ID, UNKNOWN_ID

EXACT = "12345.12345678901234567"
EXACT_QUANTITY = "98765.43210987654321098"
RETENTION = 604_800
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DETAIL_FIELDS = ORDER_DETAIL
MINIMAL = b'"order_code":"FRA40.I","order_direction":"BUY","order_type":"LIMIT"'


def _raw(price: bytes = b"7850.25", quantity: bytes = b"10", extra: bytes = b"") -> bytes:
    return b'{"order_price":' + price + b',"order_quantity":' + quantity + b"," + MINIMAL + extra + b"}"


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_recording_an_order_answers_201_with_its_detail_and_location(api):
    workflow = api.create_workflow(name="Recorder")

    response = api.record(workflow["id"], placed_at=api.at())

    assert response.status_code == 201
    detail = response.json()
    assert response.headers["location"] == f"/v1/orders/{detail['id']}"
    assert set(detail) == DETAIL_FIELDS
    assert uuid.UUID(detail["id"]).version == 4
    assert detail["id"] == detail["id"].lower()
    assert detail["workflow_id"] == workflow["id"]
    assert detail["workflow_name"] == "Recorder"
    assert detail["placed_at"] == api.at()
    assert api.get(response.headers["location"]).json() == detail


def test_omitted_optional_order_fields_come_back_as_null(api):
    workflow = api.create_workflow()

    detail = api.record_ok(workflow["id"])

    assert (detail["asset_type"], detail["trigger_close"], detail["execution_context"]) == (None, None, None)


def test_an_order_without_placed_at_is_placed_now_and_expires_seven_days_later(api):
    workflow = api.create_workflow()
    before = datetime.now(UTC).replace(microsecond=0)

    detail = api.record_ok(workflow["id"])

    after = datetime.now(UTC)
    assert INSTANT.match(detail["placed_at"])
    assert before <= _utc(detail["placed_at"]) <= after
    assert _utc(detail["expires_at"]) - _utc(detail["placed_at"]) == timedelta(seconds=RETENTION)


def test_every_sent_field_is_stored_and_shown(api):
    workflow = api.create_workflow()

    detail = api.record_ok(
        workflow["id"],
        id=ORDER_ID,
        placed_at=api.at(-60),
        order_code="CAC40",
        order_direction="SELL",
        order_type="OPEN_STOP",
        asset_type="WarrantOpenEndKnockOut",
        trigger_close=Decimal("7849.5"),
        execution_context="signal=breakout ut=h1",
    )

    assert detail == {
        "id": ORDER_ID,
        "workflow_id": workflow["id"],
        "placed_at": api.at(-60),
        "order_code": "CAC40",
        "order_price": Decimal("7850.25"),
        "order_quantity": 10,
        "order_direction": "SELL",
        "workflow_name": workflow["name"],
        "order_type": "OPEN_STOP",
        "asset_type": "WarrantOpenEndKnockOut",
        "trigger_close": Decimal("7849.5"),
        "execution_context": "signal=breakout ut=h1",
        "expires_at": api.at(-60 + RETENTION),
    }


def test_exact_decimals_come_back_with_every_digit_in_every_read(api, parse_exact):
    workflow = api.create_workflow()
    raw = _raw(EXACT.encode(), EXACT_QUANTITY.encode())
    created = api.record(workflow["id"], raw)
    order_id = created.json()["id"]

    reads = {
        "record": created,
        "detail": api.get(f"/v1/orders/{order_id}"),
        "history": api.history(workflow["id"]),
        "latest": api.get("/v1/orders/latest"),
    }
    summary = api.get(f"/v1/workflows/{workflow['id']}")
    listed = api.get("/v1/workflows")

    for name, response in reads.items():
        assert f'"order_price":{EXACT}' in response.text, name
        assert f'"order_quantity":{EXACT_QUANTITY}' in response.text, name
    assert f'"last_order_price":{EXACT}' in summary.text
    assert f'"last_order_quantity":{EXACT_QUANTITY}' in summary.text
    assert f'"last_order_quantity":{EXACT_QUANTITY}' in listed.text
    assert parse_exact(reads["detail"])["order_price"] == Decimal(EXACT)
    assert parse_exact(summary)["order_summary"]["last_order_quantity"] == Decimal(EXACT_QUANTITY)


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        (b"10.50", "10.5"),
        (b"0.1", "0.1"),
        (b"7850.25", "7850.25"),
        (b"1E+2", "100"),
        (b"100.000", "100"),
        (b"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        (b"0.00000000000000000000000000000000000001", None),
    ],
)
def test_a_decimal_reads_back_in_its_shortest_exact_form(api, parse_exact, sent, shown):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], _raw(price=sent))

    assert response.status_code == 201, response.text
    assert parse_exact(response)["order_price"] == Decimal(sent.decode())
    if shown is not None:
        assert f'"order_price":{shown},' in response.text
    assert parse_exact(api.get(f"/v1/orders/{response.json()['id']}"))["order_price"] == Decimal(sent.decode())


def test_a_zero_trigger_close_survives(api):
    workflow = api.create_workflow()

    created = api.record(workflow["id"], _raw(extra=b',"trigger_close":0'))

    assert created.status_code == 201
    assert '"trigger_close":0,' in created.text
    assert '"trigger_close":0,' in api.get(f"/v1/orders/{created.json()['id']}").text


@pytest.mark.parametrize(
    "asset_type",
    [
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
)
def test_asset_type_is_accepted_and_shown_by_its_value(api, asset_type):
    workflow = api.create_workflow()

    detail = api.record_ok(workflow["id"], asset_type=asset_type)

    assert detail["asset_type"] == asset_type
    assert api.get(f"/v1/orders/{detail['id']}").json()["asset_type"] == asset_type


@pytest.mark.parametrize("asset_type", ["CFD_ON_INDEX", "cfdonindex", "Bond"])
def test_asset_type_by_enum_name_or_unknown_is_400(api, asset_type):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], asset_type=asset_type)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["asset_type"]


def test_placed_at_with_an_offset_and_fractional_seconds_is_truncated_and_shown_in_utc(api):
    workflow = api.create_workflow()
    instant = datetime.fromtimestamp(api.base, tz=UTC)
    local = instant.astimezone(timezone(timedelta(hours=2)))
    sent = local.strftime("%Y-%m-%dT%H:%M:%S") + ".987654+02:00"

    detail = api.record_ok(workflow["id"], placed_at=sent)

    assert detail["placed_at"] == api.at()
    assert api.get(f"/v1/orders/{detail['id']}").json()["placed_at"] == api.at()


@pytest.mark.parametrize(
    "placed_at",
    [
        "2026-02-22T14:30:00",  # no offset
        "2026-02-22 14:30:00Z",
        "22/02/2026 14:30",
        "yesterday",
        "",
        1771770600,
    ],
)
def test_placed_at_that_is_not_rfc3339_with_an_offset_is_400(api, placed_at):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], placed_at=placed_at)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["placed_at"]


def test_placed_at_without_an_offset_is_400_even_when_recent(api):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], placed_at=api.at()[:-1])

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["placed_at"]


def test_placed_at_more_than_five_minutes_ahead_is_400(api):
    workflow = api.create_workflow()
    ahead = datetime.now(UTC) + timedelta(minutes=10)

    response = api.record(workflow["id"], placed_at=ahead.strftime("%Y-%m-%dT%H:%M:%SZ"))

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["placed_at"]


def test_placed_at_a_minute_ahead_is_accepted(api):
    workflow = api.create_workflow()
    ahead = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    detail = api.record_ok(workflow["id"], placed_at=ahead)

    assert detail["placed_at"] == ahead


def test_placed_at_older_than_seven_days_is_400(api):
    workflow = api.create_workflow()
    expired = datetime.now(UTC) - timedelta(days=7, minutes=1)

    response = api.record(workflow["id"], placed_at=expired.strftime("%Y-%m-%dT%H:%M:%SZ"))

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["placed_at"]


def test_placed_at_six_days_ago_is_accepted(api):
    workflow = api.create_workflow()
    old = (datetime.now(UTC) - timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert api.record_ok(workflow["id"], placed_at=old)["placed_at"] == old


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (_raw(price=b"0"), "order_price"),
        (_raw(price=b"-1"), "order_price"),
        (_raw(price=b"-0.0001"), "order_price"),
        (_raw(quantity=b"0"), "order_quantity"),
        (_raw(quantity=b"-5"), "order_quantity"),
        (_raw(price=b"123456789012345678901234567890123456789"), "order_price"),
        (_raw(price=b"1.23456789012345678901234567890123456789"), "order_price"),
        (_raw(price=b"1E-131"), "order_price"),
        (_raw(price=b"1E+126"), "order_price"),
        (_raw(quantity=b"1E-131"), "order_quantity"),
        (_raw(extra=b',"trigger_close":-0.5'), "trigger_close"),
        (_raw(extra=b',"trigger_close":1E-131'), "trigger_close"),
        (_raw(price=b'"0"'), "order_price"),
        (_raw(quantity=b'"1E+126"'), "order_quantity"),
        (_raw(extra=b',"trigger_close":"-0.5"'), "trigger_close"),
        (_raw(price=b"true"), "order_price"),
    ],
)
def test_an_invalid_decimal_is_a_400_naming_the_field(api, raw, field):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], raw)

    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert api.history(workflow["id"]).json()["total_count"] == 0


@pytest.mark.parametrize(
    "text",
    [
        b"12345.12345678901234567",
        b"1e5",
        b"1E+2",
        b"10.50",
        b"0.00000000000000000000000000000000000001",
        b"12345678901234567890123456789012345678",
    ],
)
def test_a_decimal_sent_as_a_string_of_a_json_numbers_digits_is_the_same_decimal(api, parse_exact, text):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], _raw(price=b'"' + text + b'"', extra=b',"trigger_close":"0"'))

    assert response.status_code == 201, response.text
    stored = parse_exact(api.get(f"/v1/orders/{response.json()['id']}"))
    assert stored["order_price"] == Decimal(text.decode())
    assert stored["trigger_close"] == 0


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b" 1",
        b"1 ",
        b"NaN",
        b"Infinity",
        b"-Infinity",
        b"0x10",
        b"+1",
        b".5",
        b"1.",
        b"01",
        b"1e",
        b"1_000",
        b"\\u0661",
        b"1\\n",
        b"true",
        b"null",
    ],
)
def test_a_string_that_is_not_a_json_numbers_digits_is_a_400_naming_the_field(api, text):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], _raw(price=b'"' + text + b'"'))

    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["order_price"]
    assert api.history(workflow["id"]).json()["total_count"] == 0


@pytest.mark.parametrize(
    "raw",
    [
        _raw(price=b"NaN"),
        _raw(price=b"Infinity"),
        _raw(price=b"-Infinity"),
        _raw(quantity=b"nan"),
        _raw(extra=b',"trigger_close":NaN'),
    ],
)
def test_nan_and_infinity_literals_are_400(api, raw):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], raw)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_smallest_and_largest_storable_magnitudes_are_accepted(api, parse_exact):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], _raw(price=b"1E-130", quantity=b"9.99E+125"))

    assert response.status_code == 201, response.text
    stored = parse_exact(api.get(f"/v1/orders/{response.json()['id']}"))
    assert Decimal(stored["order_price"]) == Decimal("1E-130")
    assert Decimal(stored["order_quantity"]) == Decimal("9.99E+125")


def test_an_unknown_order_field_is_a_400_naming_it(api):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], colour="red")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["colour"]


@pytest.mark.parametrize("field", ["order_code", "order_price", "order_quantity", "order_direction", "order_type"])
def test_a_missing_required_order_field_is_a_400_naming_it(api, order_body, field):
    workflow = api.create_workflow()
    body = order_body()
    del body[field]

    response = api.record(workflow["id"], body)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"order_code": ""}, "order_code"),
        ({"order_code": "c" * 51}, "order_code"),
        ({"order_code": 42}, "order_code"),
        ({"execution_context": ""}, "execution_context"),
        ({"execution_context": "x" * 201}, "execution_context"),
        ({"order_direction": "buy"}, "order_direction"),
        ({"order_direction": "HOLD"}, "order_direction"),
        ({"order_type": "MARKET"}, "order_type"),
        ({"id": "not-a-uuid"}, "id"),
        ({"id": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}, "id"),  # a UUID v1
        ({"id": "3f1c1b7e8a2b4c1d9e2f0a1b2c3d4e5f"}, "id"),  # v4 without hyphens
        ({"id": 7}, "id"),
    ],
)
def test_an_invalid_order_field_is_a_400_naming_it(api, overrides, field):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], **overrides)

    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]
    assert api.history(workflow["id"]).json()["total_count"] == 0


def test_limits_are_inclusive_for_order_code_and_execution_context(api):
    workflow = api.create_workflow()

    detail = api.record_ok(workflow["id"], order_code="c" * 50, execution_context="x" * 200)

    assert (len(detail["order_code"]), len(detail["execution_context"])) == (50, 200)


def test_an_uppercase_order_id_is_accepted_and_stored_in_lowercase(api):
    workflow = api.create_workflow()

    detail = api.record_ok(workflow["id"], id=ORDER_ID.upper())

    assert detail["id"] == ORDER_ID
    assert api.get(f"/v1/orders/{ORDER_ID.upper()}").json()["id"] == ORDER_ID


def test_recording_for_an_unknown_workflow_is_404(api):
    response = api.record(UNKNOWN_ID)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_recording_for_a_deleted_workflow_is_404(api):
    workflow = api.create_workflow()
    api.delete_workflow(workflow["id"])

    assert api.record(workflow["id"]).status_code == 404


def test_recording_with_a_workflow_path_id_that_is_not_a_uuid_is_400(api):
    response = api.record("nope")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["workflow_id"]


def test_recording_through_an_uppercase_workflow_id_stores_it_in_lowercase(api):
    workflow = api.create_workflow()

    detail = api.record_ok(workflow["id"].upper())

    assert detail["workflow_id"] == workflow["id"]


def test_two_orders_in_the_same_second_are_two_records(api):
    workflow = api.create_workflow()

    first = api.record_ok(workflow["id"], placed_at=api.at(), order_code="A")
    second = api.record_ok(workflow["id"], placed_at=api.at(), order_code="B")

    history = api.history(workflow["id"]).json()
    assert first["id"] != second["id"]
    assert history["total_count"] == 2
    assert {o["id"] for o in history["orders"]} == {first["id"], second["id"]}
    assert {o["order_code"] for o in history["orders"]} == {"A", "B"}


def test_replaying_an_order_answers_200_with_the_stored_record_and_writes_nothing(api):
    workflow = api.create_workflow()
    first = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at(), trigger_close=0)

    replay = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at(), trigger_close=0)

    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json() == first.json()
    history = api.history(workflow["id"]).json()
    assert history["total_count"] == 1
    assert api.get(f"/v1/workflows/{workflow['id']}").json()["order_summary"]["total_count"] == 1


def test_a_replay_without_placed_at_matches_the_stored_order(api):
    workflow = api.create_workflow()
    first = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at(-120))

    replay = api.record(workflow["id"], id=ORDER_ID)

    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert replay.json()["placed_at"] == api.at(-120)


def test_a_replay_compares_decimals_by_value(api):
    workflow = api.create_workflow()
    order_id = f',"id":"{ORDER_ID}"'.encode()
    first = api.record(workflow["id"], _raw(price=b"10.5", extra=order_id))

    replay = api.record(workflow["id"], _raw(price=b"10.50", extra=order_id))

    assert replay.status_code == 200
    assert replay.json() == first.json()


def test_a_replay_compares_placed_at_by_instant(api):
    workflow = api.create_workflow()
    first = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at())
    same_instant = datetime.fromtimestamp(api.base, tz=UTC).astimezone(timezone(timedelta(hours=-5)))

    replay = api.record(workflow["id"], id=ORDER_ID, placed_at=same_instant.isoformat())

    assert replay.status_code == 200
    assert replay.json() == first.json()


def test_a_replay_with_an_uppercase_id_matches_the_stored_order(api):
    workflow = api.create_workflow()
    first = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at())

    replay = api.record(workflow["id"], id=ORDER_ID.upper(), placed_at=api.at())

    assert replay.status_code == 200
    assert replay.json() == first.json()


@pytest.mark.parametrize(
    "change",
    [
        {"order_price": Decimal("7850.26")},
        {"order_quantity": Decimal("11")},
        {"order_code": "OTHER"},
        {"order_direction": "SELL"},
        {"order_type": "OPEN_STOP"},
        {"asset_type": "Etf"},
        {"trigger_close": Decimal("1")},
        {"execution_context": "other"},
    ],
)
def test_the_same_order_id_with_different_content_is_409(api, change):
    workflow = api.create_workflow()
    first = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at(-60))

    response = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at(-60), **change)

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert api.get(f"/v1/orders/{ORDER_ID}").json() == first.json()
    assert api.history(workflow["id"]).json()["total_count"] == 1


def test_the_same_order_id_with_another_placed_at_is_409(api):
    workflow = api.create_workflow()
    api.record(workflow["id"], id=ORDER_ID, placed_at=api.at(-60))

    response = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at())

    assert response.status_code == 409
    assert api.history(workflow["id"]).json()["total_count"] == 1


def test_a_replay_that_omits_an_optional_field_the_stored_order_has_is_409(api):
    workflow = api.create_workflow()
    api.record(workflow["id"], id=ORDER_ID, placed_at=api.at(), asset_type="Etf")

    response = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at())

    assert response.status_code == 409


def test_the_same_order_id_on_another_workflow_is_409(api):
    one = api.create_workflow(name="One")
    two = api.create_workflow(name="Two")
    first = api.record(one["id"], id=ORDER_ID, placed_at=api.at())

    response = api.record(two["id"], id=ORDER_ID, placed_at=api.at())

    assert response.status_code == 409
    assert api.get(f"/v1/orders/{ORDER_ID}").json() == first.json()
    assert api.history(two["id"]).json()["total_count"] == 0


def test_a_replay_after_the_workflow_was_deleted_still_answers_200(api):
    workflow = api.create_workflow()
    first = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at())
    api.delete_workflow(workflow["id"])

    replay = api.record(workflow["id"], id=ORDER_ID, placed_at=api.at())

    assert replay.status_code == 200
    assert replay.json() == first.json()


def test_an_order_keeps_the_workflow_name_it_was_recorded_under(api, workflow_body):
    workflow = api.create_workflow(name="Old name")
    before = api.record_ok(workflow["id"], placed_at=api.at(-10))
    api.send("PUT", f"/v1/workflows/{workflow['id']}", workflow_body(name="New name"))

    after = api.record_ok(workflow["id"], placed_at=api.at())

    assert api.get(f"/v1/orders/{before['id']}").json()["workflow_name"] == "Old name"
    assert after["workflow_name"] == "New name"
