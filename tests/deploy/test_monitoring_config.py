"""deploy/monitoring: the alerting rules, their Prometheus Operator twin, their promtool tests, the
ServiceMonitor and the Grafana dashboard agree with each other, with the service and with the docs.

promtool itself (check rules, test rules) runs in .ci/run; whether the metrics the queries name are
really exposed is checked against a running service in tests/integration/test_monitoring_queries.py.
"""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.http.metrics_controller import MetricsController
from monitoring_queries import (
    MONITORING,
    Query,
    dashboard_queries,
    load_dashboard,
    load_rules,
    parse,
    recorded_names,
    rule_queries,
    selectors,
)

ROOT = Path(__file__).resolve().parents[2]
JOB = "workflow-orders"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _alerts() -> list[dict[str, Any]]:
    return [rule for rule in load_rules() if "alert" in rule]


def _rule_tests() -> list[dict[str, Any]]:
    return [case for test in _yaml(MONITORING / "rules.test.yaml")["tests"] for case in test.get("alert_rule_test", [])]


def test_the_prometheus_operator_rule_holds_the_same_groups_as_the_rules_file() -> None:
    resource = _yaml(MONITORING / "prometheusrule.yaml")
    assert (resource["apiVersion"], resource["kind"]) == ("monitoring.coreos.com/v1", "PrometheusRule")
    assert resource["spec"]["groups"] == _yaml(MONITORING / "rules.yaml")["groups"]


def test_the_issue_asks_for_these_alerts_at_least() -> None:
    names = {alert["alert"] for alert in _alerts()}
    assert names >= {
        "WorkflowOrdersHighErrorRatio",
        "WorkflowOrdersStorageUnavailable",
        "WorkflowOrdersLatencyOverSlo",
        "WorkflowOrdersNotReady",
        "WorkflowOrdersNoOrdersRecorded",
    }


@pytest.mark.parametrize("alert", _alerts(), ids=lambda alert: alert["alert"])
def test_each_alert_has_a_promtool_case_that_fires_it_and_one_that_does_not(alert: dict[str, Any]) -> None:
    cases = [case for case in _rule_tests() if case["alertname"] == alert["alert"]]
    assert any(case["exp_alerts"] for case in cases), "no case where it fires"
    assert any(not case["exp_alerts"] for case in cases), "no case where it stays quiet"


@pytest.mark.parametrize("alert", _alerts(), ids=lambda alert: alert["alert"])
def test_each_alert_has_a_severity_a_summary_and_a_runbook_section(alert: dict[str, Any]) -> None:
    assert alert["labels"]["severity"] in {"critical", "warning"}
    assert alert["annotations"]["summary"]
    page, _, anchor = alert["annotations"]["runbook_url"].partition("#")
    assert page == "docs/monitoring.md"
    headings = re.findall(r"^#+ (.+)$", (ROOT / page).read_text(encoding="utf-8"), re.MULTILINE)
    assert anchor in {_github_anchor(heading) for heading in headings}


def _github_anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("query", rule_queries() + dashboard_queries(), ids=lambda query: query.where)
def test_every_query_parses_and_selects_only_this_services_job(query: Query) -> None:
    for selector in selectors(parse(query)):
        if selector.metric not in recorded_names():
            assert ("job", "=", JOB) in selector.matchers, selector


def test_a_query_that_is_not_promql_is_refused() -> None:
    with pytest.raises(ValueError, match=r"."):
        parse(Query("a typo", 'sum(rate(http_requests_total{job="workflow-orders"}[5m])'))


def test_the_dashboard_shows_what_the_issue_asks_for() -> None:
    named = {selector.metric for query in dashboard_queries() for selector in selectors(parse(query))}
    assert named >= {
        "http_requests_total",  # requests and errors by route
        "http_request_duration_seconds_bucket",  # latency percentiles
        "storage_calls_total",  # storage calls and errors by operation
        "workflow_orders_recorded_total",  # orders recorded, created and replayed
        "process_resident_memory_bytes",  # process memory
    }


def test_every_dashboard_panel_has_its_own_id_and_queries_the_chosen_data_source() -> None:
    dashboard = load_dashboard()
    panels = dashboard["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels)
    variables = {variable["name"]: variable for variable in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    for panel in panels:
        for target in panel.get("targets", []):
            assert target["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]


def test_the_monitoring_kustomization_lists_every_resource_and_ships_the_dashboard() -> None:
    kustomization = _yaml(MONITORING / "kustomization.yaml")
    resources = {path.name for path in MONITORING.glob("*.yaml") if "kind" in _yaml(path)}
    assert set(kustomization["resources"]) == resources - {"kustomization.yaml"}
    [generator] = kustomization["configMapGenerator"]
    assert generator["files"] == ["workflow-orders.json=dashboard.json"]
    assert generator["options"]["labels"]["grafana_dashboard"] == "1"


def test_the_service_monitor_scrapes_the_metrics_path_on_the_services_port() -> None:
    monitor = _yaml(MONITORING / "servicemonitor.yaml")
    service = _yaml(ROOT / "deploy" / "kubernetes" / "service.yaml")
    assert (monitor["apiVersion"], monitor["kind"]) == ("monitoring.coreos.com/v1", "ServiceMonitor")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    [endpoint] = monitor["spec"]["endpoints"]
    assert endpoint["port"] in {port["name"] for port in service["spec"]["ports"]}
    assert endpoint["path"] == MetricsController.path
    # The job label Prometheus gives the scraped series is the Service's name: what the rules select.
    assert service["metadata"]["name"] == JOB
    assert "jobLabel" not in monitor["spec"]
