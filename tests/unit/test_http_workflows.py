"""Workflow endpoints through the test client: create, read, replace, delete, list."""

import re
import uuid
from decimal import Decimal

import pytest
from api_field_names import ORDER_SUMMARY, WORKFLOW_DETAIL, WORKFLOW_LIST_ITEM

from builders import UNKNOWN_ID

INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DETAIL_FIELDS = WORKFLOW_DETAIL
SUMMARY_FIELDS = ORDER_SUMMARY
LIST_ITEM_FIELDS = WORKFLOW_LIST_ITEM


def test_creating_a_workflow_answers_201_with_its_detail_and_location(api, workflow_body):
    response = api.send("POST", "/v1/workflows", workflow_body())

    assert response.status_code == 201
    detail = response.json()
    assert response.headers["location"] == f"/v1/workflows/{detail['id']}"
    assert uuid.UUID(detail["id"]).version == 4
    assert detail["id"] == detail["id"].lower()
    assert api.get(response.headers["location"]).json() == detail


def test_workflow_detail_has_exactly_the_contract_fields(api):
    created = api.create_workflow()

    detail = api.get(f"/v1/workflows/{created['id']}").json()

    assert set(detail) == DETAIL_FIELDS
    assert set(detail["order_summary"]) == SUMMARY_FIELDS
    assert set(detail["conditions"][0]) == {"indicator", "close", "element"}
    assert set(detail["conditions"][0]["indicator"]) == {"name", "ut", "value", "zone_value"}
    assert set(detail["conditions"][0]["close"]) == {"direction", "ut", "spread"}
    assert set(detail["trigger"]) == {"ut", "signal", "location", "order_direction", "quantity"}


def test_workflow_detail_echoes_every_field_that_was_sent(api, workflow_body, parse_exact):
    body = workflow_body(
        name="Zone short",
        enable=False,
        dry_run=True,
        is_us=True,
        end_date="2027-01-31",
        conditions=[
            {
                "indicator": {"name": "zone", "ut": "daily", "value": Decimal("1.25"), "zone_value": -3},
                "close": {"direction": "below", "ut": "h4", "spread": Decimal("0.75")},
                "element": "high",
            },
            {
                "indicator": {"name": "polarite", "ut": "weekly", "value": 7},
                "close": {"direction": "above", "ut": "monthly", "spread": 0},
                "element": None,
            },
        ],
        trigger={
            "ut": "h4",
            "signal": "breakout",
            "location": "lower",
            "order_direction": "SELL",
            "quantity": Decimal("2.5"),
        },
    )

    detail = parse_exact(api.send("POST", "/v1/workflows", body))

    assert {key: detail[key] for key in body} == {
        **body,
        "conditions": [
            {
                "indicator": {"name": "zone", "ut": "daily", "value": Decimal("1.25"), "zone_value": -3},
                "close": {"direction": "below", "ut": "h4", "spread": Decimal("0.75")},
                "element": "high",
            },
            {
                "indicator": {"name": "polarite", "ut": "weekly", "value": 7, "zone_value": None},
                "close": {"direction": "above", "ut": "monthly", "spread": 0},
                "element": None,
            },
        ],
    }


def test_omitted_optional_workflow_fields_come_back_as_defaults_and_nulls(api):
    detail = api.create_workflow()

    assert detail["enable"] is True
    assert detail["dry_run"] is False
    assert detail["is_us"] is False
    assert detail["end_date"] is None
    assert detail["conditions"][0]["element"] is None
    assert detail["conditions"][0]["indicator"]["value"] is None
    assert detail["conditions"][0]["indicator"]["zone_value"] is None


def test_new_workflow_has_an_empty_order_summary_and_utc_timestamps(api):
    detail = api.create_workflow()

    assert detail["order_summary"] == {
        "total_count": 0,
        "last_order_timestamp": None,
        "last_order_direction": None,
        "last_order_price": None,
        "last_order_quantity": None,
    }
    assert INSTANT.match(detail["created_at"])
    assert detail["updated_at"] == detail["created_at"]


def test_workflow_numbers_keep_their_exact_digits(api, workflow_body):
    body = workflow_body(
        trigger={
            "ut": "h1",
            "signal": "breakout",
            "location": "higher",
            "order_direction": "BUY",
            "quantity": Decimal("12345.12345678901234567"),
        }
    )

    response = api.send("POST", "/v1/workflows", body)

    assert response.status_code == 201
    assert '"quantity":12345.12345678901234567' in response.text


def test_creating_a_workflow_with_a_taken_name_is_a_409_problem(api, workflow_body):
    api.create_workflow(name="Taken", cfd="GER40.I")

    response = api.send("POST", "/v1/workflows", workflow_body(name="Taken", cfd="FRA40.I"))

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 409


def test_workflow_names_that_differ_only_in_case_coexist(api):
    upper = api.create_workflow(name="A")
    lower = api.create_workflow(name="a")

    assert upper["id"] != lower["id"]
    assert [w["name"] for w in api.get("/v1/workflows").json()["workflows"]] == ["A", "a"]


def test_a_deleted_workflows_name_can_be_reused(api):
    first = api.create_workflow(name="Reused")
    api.delete_workflow(first["id"])

    second = api.create_workflow(name="Reused")

    assert second["id"] != first["id"]


def test_replacing_a_workflow_keeps_id_and_created_at_and_moves_updated_at(api, workflow_body):
    created = api.create_workflow(name="Before")
    body = workflow_body(name="After", cfd="FRA40.I", enable=False, end_date="2027-06-30")

    response = api.send("PUT", f"/v1/workflows/{created['id']}", body)

    assert response.status_code == 200
    replaced = response.json()
    assert replaced["id"] == created["id"]
    assert replaced["created_at"] == created["created_at"]
    assert replaced["updated_at"] >= created["updated_at"]
    assert (replaced["name"], replaced["cfd"], replaced["enable"], replaced["end_date"]) == (
        "After",
        "FRA40.I",
        False,
        "2027-06-30",
    )
    assert api.get(f"/v1/workflows/{created['id']}").json() == replaced


def test_replacing_resets_omitted_optional_fields_to_their_defaults(api, workflow_body):
    created = api.create_workflow(enable=False, dry_run=True, is_us=True, end_date="2027-01-31")

    replaced = api.send("PUT", f"/v1/workflows/{created['id']}", workflow_body()).json()

    assert (replaced["enable"], replaced["dry_run"], replaced["is_us"], replaced["end_date"]) == (
        True,
        False,
        False,
        None,
    )


def test_replacing_a_workflow_under_its_own_name_is_allowed(api, workflow_body):
    created = api.create_workflow(name="Same")

    response = api.send("PUT", f"/v1/workflows/{created['id']}", workflow_body(name="Same", cfd="X"))

    assert response.status_code == 200


def test_replacing_an_unknown_workflow_is_404(api, workflow_body):
    response = api.send("PUT", f"/v1/workflows/{UNKNOWN_ID}", workflow_body())

    assert response.status_code == 404


def test_replacing_a_deleted_workflow_is_404(api, workflow_body):
    created = api.create_workflow()
    api.delete_workflow(created["id"])

    response = api.send("PUT", f"/v1/workflows/{created['id']}", workflow_body())

    assert response.status_code == 404


def test_renaming_a_workflow_to_another_workflows_name_is_409(api, workflow_body):
    api.create_workflow(name="One")
    two = api.create_workflow(name="Two")

    response = api.send("PUT", f"/v1/workflows/{two['id']}", workflow_body(name="One"))

    assert response.status_code == 409
    assert api.get(f"/v1/workflows/{two['id']}").json()["name"] == "Two"


def test_replacing_with_an_invalid_body_is_400_and_changes_nothing(api, workflow_body):
    created = api.create_workflow()

    response = api.send("PUT", f"/v1/workflows/{created['id']}", workflow_body(name=""))

    assert response.status_code == 400
    assert api.get(f"/v1/workflows/{created['id']}").json() == created


def test_deleting_a_workflow_answers_204_then_it_is_gone(api):
    created = api.create_workflow()

    response = api.client.delete(f"/v1/workflows/{created['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"/v1/workflows/{created['id']}").status_code == 404
    assert api.client.delete(f"/v1/workflows/{created['id']}").status_code == 404
    assert api.get("/v1/workflows").json() == {"workflows": [], "total_count": 0}


def test_deleting_an_unknown_workflow_is_404(api):
    assert api.client.delete(f"/v1/workflows/{UNKNOWN_ID}").status_code == 404


def test_getting_an_unknown_workflow_is_404(api):
    response = api.get(f"/v1/workflows/{UNKNOWN_ID}")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_workflow_list_is_sorted_by_code_point_with_a_total_count(api):
    names = ["beta", "Beta", "alpha", "Zulu", "émile", "zeta", "Ärger", "_under"]
    for name in names:
        api.create_workflow(name=name)

    listed = api.get("/v1/workflows").json()

    assert [w["name"] for w in listed["workflows"]] == sorted(names)
    assert listed["total_count"] == len(names)


def test_workflow_list_items_have_exactly_the_contract_fields(api, workflow_body):
    created = api.create_workflow(
        name="Listed",
        end_date="2027-02-01",
        conditions=[
            {
                "indicator": {"name": "bbh", "ut": "daily"},
                "close": {"direction": "below", "ut": "h4", "spread": 1},
            },
            {
                "indicator": {"name": "combo", "ut": "weekly"},
                "close": {"direction": "above", "ut": "h1", "spread": 1},
            },
        ],
    )

    [item] = api.get("/v1/workflows").json()["workflows"]

    assert set(item) == LIST_ITEM_FIELDS
    assert item == {
        "id": created["id"],
        "name": "Listed",
        "index": "DAX.I",
        "cfd": "GER40.I",
        "enable": True,
        "dry_run": False,
        "is_us": False,
        "end_date": "2027-02-01",
        "primary_indicator": "bbh",
        "primary_unit_time": "daily",
        "created_at": created["created_at"],
        "updated_at": created["updated_at"],
        "last_order_timestamp": None,
        "last_order_direction": None,
        "last_order_quantity": None,
    }


@pytest.mark.parametrize(("enable", "expected"), [("true", ["On 1", "On 2"]), ("false", ["Off"])])
def test_workflow_list_filters_on_enable(api, enable, expected):
    api.create_workflow(name="On 2")
    api.create_workflow(name="Off", enable=False)
    api.create_workflow(name="On 1", enable=True)

    listed = api.get("/v1/workflows", params={"enable": enable}).json()

    assert [w["name"] for w in listed["workflows"]] == expected
    assert listed["total_count"] == len(expected)


@pytest.mark.parametrize("enable", ["yes", "1", "True", ""])
def test_workflow_list_with_an_enable_filter_other_than_true_or_false_is_400(api, enable):
    response = api.get("/v1/workflows", params={"enable": enable})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_workflow_path_id_that_is_not_a_uuid_is_400(api, workflow_body, method):
    response = api.send(method, "/v1/workflows/not-a-uuid", workflow_body())

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["workflow_id"]


def test_an_uppercase_workflow_id_is_accepted_and_answered_in_lowercase(api, workflow_body):
    created = api.create_workflow()
    upper = created["id"].upper()

    fetched = api.get(f"/v1/workflows/{upper}")
    replaced = api.send("PUT", f"/v1/workflows/{upper}", workflow_body(name="Renamed"))
    deleted = api.client.delete(f"/v1/workflows/{upper}")

    assert fetched.status_code == 200
    assert fetched.json()["id"] == created["id"]
    assert replaced.status_code == 200
    assert replaced.json()["id"] == created["id"]
    assert deleted.status_code == 204


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"index": ""}, "index"),
        ({"index": "i" * 51}, "index"),
        ({"cfd": "c" * 51}, "cfd"),
        ({"conditions": []}, "conditions"),
        ({"enable": "true"}, "enable"),
        ({"dry_run": 1}, "dry_run"),
        ({"end_date": "2027-13-01"}, "end_date"),
        ({"end_date": "31/01/2027"}, "end_date"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_an_invalid_workflow_field_is_a_400_naming_it(api, workflow_body, overrides, field):
    response = api.send("POST", "/v1/workflows", workflow_body(**overrides))

    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]
    assert api.get("/v1/workflows").json()["total_count"] == 0


@pytest.mark.parametrize("field", ["name", "index", "cfd", "conditions", "trigger"])
def test_a_workflow_without_a_required_field_is_400(api, workflow_body, field):
    body = workflow_body()
    del body[field]

    response = api.send("POST", "/v1/workflows", body)

    assert response.status_code == 400


def _condition(indicator, close=None, element=None):
    condition = {"indicator": indicator, "close": close or {"direction": "above", "ut": "h1", "spread": 0}}
    if element is not None:
        condition["element"] = element
    return condition


@pytest.mark.parametrize(
    ("condition", "field"),
    [
        (_condition({"name": "zone", "ut": "h1", "value": 1}), "conditions[0].indicator.zone_value"),
        (_condition({"name": "zone", "ut": "h1", "zone_value": 1}), "conditions[0].indicator.value"),
        (_condition({"name": "polarite", "ut": "h1"}), "conditions[0].indicator.value"),
        (_condition({"name": "ma50", "ut": "2h"}), "conditions[0].indicator.ut"),
        (_condition({"name": "rsi", "ut": "h1"}), "conditions[0].indicator.name"),
        (_condition({"name": "ma50", "ut": "h1", "value": "1 "}), "conditions[0].indicator.value"),
        (
            _condition({"name": "ma50", "ut": "h1"}, {"direction": "above", "ut": "h1", "spread": -1}),
            "conditions[0].close.spread",
        ),
        (
            _condition({"name": "ma50", "ut": "h1"}, {"direction": "up", "ut": "h1", "spread": 0}),
            "conditions[0].close.direction",
        ),
        (_condition({"name": "ma50", "ut": "h1"}, element="open"), "conditions[0].element"),
    ],
)
def test_an_invalid_condition_is_a_400_naming_the_nested_field(api, workflow_body, condition, field):
    response = api.send("POST", "/v1/workflows", workflow_body(conditions=[condition]))

    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("trigger_change", "field"),
    [
        ({"quantity": 0}, "trigger.quantity"),
        ({"quantity": -1}, "trigger.quantity"),
        ({"quantity": "ten"}, "trigger.quantity"),
        ({"signal": "breakdown"}, "trigger.signal"),
        ({"location": "middle"}, "trigger.location"),
        ({"order_direction": "buy"}, "trigger.order_direction"),
        ({"extra": 1}, "trigger.extra"),
    ],
)
def test_an_invalid_trigger_is_a_400_naming_the_nested_field(api, workflow_body, trigger_change, field):
    trigger = {**workflow_body()["trigger"], **trigger_change}

    response = api.send("POST", "/v1/workflows", workflow_body(trigger=trigger))

    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]
