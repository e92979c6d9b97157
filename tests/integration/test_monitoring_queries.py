"""Every PromQL query of deploy/monitoring (alerting rules and dashboard) names only series, labels
and routes that a real `workflow-orders serve` process exposes on /metrics, after it has served
every operation of its API, a replay, a 400, a 404 and an unknown path."""

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from service_process import ServiceProcess

from builders import encode, order_body, workflow_body
from monitoring_queries import Query, dashboard_queries, grouping_labels, parse, recorded_names, rule_queries, selectors

pytestmark = pytest.mark.slow  # starts the service process

ROOT = Path(__file__).resolve().parents[2]
TARGET_LABELS = {"job", "instance", "namespace", "pod", "service", "endpoint", "container"}
"""Labels Prometheus adds to every scraped series (job, instance) and the Prometheus Operator's
ServiceMonitor adds (namespace, pod, service, endpoint, container): no exposition carries them."""


class Exposition:
    """What one scrape of /metrics holds: each sample name with its label names, and every route."""

    def __init__(self, text: str) -> None:
        self.labels: dict[str, set[str]] = defaultdict(set)
        self.routes: set[str] = set()
        self.operations: set[tuple[str, str]] = set()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                self.labels[sample.name] |= set(sample.labels)
                if sample.name == "http_requests_total":
                    self.routes.add(sample.labels["route"])
                    self.operations.add((sample.labels["method"], sample.labels["route"]))

    def problems(self, query: Query, recorded: set[str]) -> list[str]:
        """What `query` names that this exposition lacks; empty when it names only what exists."""
        tree = parse(query)
        found: list[str] = []
        every_label = TARGET_LABELS.union(*self.labels.values())
        for selector in selectors(tree):
            if selector.metric in recorded:
                continue
            if selector.metric not in self.labels:
                found.append(f"no series {selector.metric}")
                continue
            for label, operator, value in selector.matchers:
                if label not in self.labels[selector.metric] | TARGET_LABELS:
                    found.append(f"{selector.metric} has no label {label}")
                elif label == "route" and not self._matches_a_route(operator, value):
                    found.append(f"no route matches route{operator}{value!r}")
        found += [f"no series has a label {label}" for label in sorted(grouping_labels(tree) - every_label)]
        if query.label is not None and query.label not in every_label:
            found.append(f"no series has a label {query.label}")
        return found

    def _matches_a_route(self, operator: str, value: str) -> bool:
        if operator == "=":
            return value in self.routes
        if operator == "=~":
            return any(re.fullmatch(value, route) for route in self.routes)
        return True


def _serve_every_kind_of_request(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        workflow = client.post("/v1/workflows", json=workflow_body())
        assert workflow.status_code == 201, workflow.text
        workflow_id = workflow.json()["id"]
        order_id = "a1b2c3d4-e5f6-4789-a012-b3c4d5e6f7a8"
        order = {"content": encode(order_body(id=order_id)), "headers": {"content-type": "application/json"}}
        expected = [
            (client.get("/v1/workflows"), 200),
            (client.get(f"/v1/workflows/{workflow_id}"), 200),
            (client.put(f"/v1/workflows/{workflow_id}", json=workflow_body(name="DAX breakout 2")), 200),
            (client.post(f"/v1/workflows/{workflow_id}/orders", **order), 201),
            (client.post(f"/v1/workflows/{workflow_id}/orders", **order), 200),
            (client.post(f"/v1/workflows/{workflow_id}/orders", json={"order_price": -1}), 400),
            (client.get(f"/v1/workflows/{workflow_id}/orders"), 200),
            (client.get(f"/v1/orders/{order_id}"), 200),
            (client.get("/v1/orders/0b7c5bb0-7b0c-4bd4-9b50-4a7e2bd25e2e"), 404),
            (client.get("/v1/orders/latest"), 200),
            (client.get("/v1/orders"), 200),
            (client.get("/v1/orders/summary"), 200),
            (client.get("/v1/orders/stream", params={"last_event_id": "forged"}), 400),
            (client.delete(f"/v1/workflows/{workflow_id}"), 204),
            (client.get("/no/such/path"), 404),
            (client.get("/health/live"), 200),
            (client.get("/health/ready"), 200),
            (client.get("/metrics"), 200),
        ]
        for response, status in expected:
            assert response.status_code == status, (response.request.url, response.text)


@pytest.fixture(scope="module")
def exposition(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exposition]:
    work = tmp_path_factory.mktemp("monitoring")
    service = ServiceProcess(work / "orders.db", work).start()
    try:
        _serve_every_kind_of_request(service.base_url)
        yield Exposition(httpx.get(f"{service.base_url}/metrics", timeout=10.0).text)
    finally:
        assert service.stop() == 0, service.output()


def test_the_service_served_every_operation_of_its_api(exposition: Exposition) -> None:
    """Otherwise a query naming a route or outcome not yet seen would pass or fail by chance."""
    paths = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))["paths"]
    served = {(method.upper(), path) for path, operations in paths.items() for method in operations}
    assert served <= exposition.operations
    assert "unmatched" in exposition.routes


@pytest.mark.parametrize("query", rule_queries() + dashboard_queries(), ids=lambda query: query.where)
def test_every_query_names_only_series_labels_and_routes_the_service_exposes(
    query: Query, exposition: Exposition
) -> None:
    assert exposition.problems(query, recorded_names()) == []


@pytest.mark.parametrize(
    ("promql", "problem"),
    [
        ('rate(http_request_total{job="workflow-orders"}[5m])', "no series http_request_total"),
        ('rate(http_request_duration_seconds{job="workflow-orders"}[5m])', "no series http_request_duration_seconds"),
        ('rate(storage_calls_total{operaton="orders.add"}[5m])', "storage_calls_total has no label operaton"),
        ('rate(http_requests_total{route="/v1/order/latest"}[5m])', "no route matches route='/v1/order/latest'"),
        ("sum by (rout) (rate(http_requests_total[5m]))", "no series has a label rout"),
    ],
)
def test_a_misspelt_name_is_reported(promql: str, problem: str, exposition: Exposition) -> None:
    assert exposition.problems(Query("a typo", promql), recorded_names()) == [problem]
