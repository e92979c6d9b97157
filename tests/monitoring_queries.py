"""The PromQL of deploy/monitoring: every expression of the alerting rules and of the Grafana
dashboard, parsed, and the series selectors and grouping labels each one names.

Test modules import this as `monitoring_queries` (tests/ is on sys.path: see tests/conftest.py).
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import promql_parser
import yaml

MONITORING = Path(__file__).resolve().parents[1] / "deploy" / "monitoring"
RULES = MONITORING / "rules.yaml"
DASHBOARD = MONITORING / "dashboard.json"

_GRAFANA_RANGES = re.compile(r"\$__(rate_interval|interval|range)\b")
_GRAFANA_VARIABLE = re.compile(r"\$\{?\w+\}?")
_LABEL_VALUES = re.compile(r"^label_values\((?P<selector>.+),\s*(?P<label>\w+)\)$")


@dataclass(frozen=True)
class Query:
    where: str
    """Where the expression is written: the alert, recording rule or dashboard panel."""
    promql: str
    """The expression as PromQL; in the dashboard, Grafana's variables replaced by sample values."""
    label: str | None = None
    """For a Grafana `label_values(selector, label)` variable: the label it lists."""


@dataclass(frozen=True)
class Selector:
    metric: str
    matchers: tuple[tuple[str, str, str], ...]
    """(label, operator, value) of each matcher but the metric name: operator is =, !=, =~ or !~."""


def load_rules() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"]]


def load_dashboard() -> dict[str, Any]:
    dashboard: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return dashboard


def recorded_names() -> set[str]:
    """The series the rules themselves record: a query may name them as well as the service's."""
    return {rule["record"] for rule in load_rules() if "record" in rule}


def rule_queries() -> list[Query]:
    return [Query(rule.get("alert") or rule["record"], rule["expr"]) for rule in load_rules()]


def dashboard_queries() -> list[Query]:
    """Every panel target's expression, and the selector of every `label_values` variable."""
    dashboard = load_dashboard()
    queries = [
        Query(f"panel {panel['title']!r}", _grafana_to_promql(target["expr"]))
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] != "query":
            continue
        found = _LABEL_VALUES.match(variable["query"]["query"])
        assert found, f"variable {variable['name']}: only label_values(selector, label) is supported here"
        queries.append(Query(f"variable {variable['name']}", found["selector"], found["label"]))
    return queries


def _grafana_to_promql(expr: str) -> str:
    """Grafana's range variables become a duration, its other variables a plain label value."""
    return _GRAFANA_VARIABLE.sub("sample", _GRAFANA_RANGES.sub("5m", expr))


def parse(query: Query) -> Any:
    """The expression's syntax tree; ValueError when it is not valid PromQL."""
    return promql_parser.parse(query.promql)


def selectors(node: Any) -> list[Selector]:
    """Every vector selector in the tree, inside range selectors, calls, aggregations and operators."""
    if isinstance(node, promql_parser.VectorSelector):
        matchers = [(matcher.name, _operator(matcher.op), matcher.value) for matcher in node.matchers.matchers]
        names = [value for label, _, value in matchers if label == "__name__"]
        metric = node.name or names[0]
        return [Selector(metric, tuple(matcher for matcher in matchers if matcher[0] != "__name__"))]
    return [found for child in _children(node) for found in selectors(child)]


def grouping_labels(node: Any) -> set[str]:
    """Labels named by by/without clauses, on/ignoring matching and group_left/group_right."""
    labels: set[str] = set()
    modifier = getattr(node, "modifier", None)
    if isinstance(node, promql_parser.AggregateExpr) and modifier is not None:
        labels.update(modifier.labels)
    if isinstance(node, promql_parser.BinaryExpr) and modifier is not None:
        labels.update(modifier.matching.labels if modifier.matching is not None else [])
        labels.update(modifier.group_labels or [])
    for child in _children(node):
        labels |= grouping_labels(child)
    return labels


def _children(node: Any) -> list[Any]:
    if isinstance(node, promql_parser.MatrixSelector):
        return [node.vector_selector]
    if isinstance(node, promql_parser.Call):
        return list(node.args)
    if isinstance(node, promql_parser.AggregateExpr):
        return [node.expr] + ([node.param] if node.param is not None else [])
    if isinstance(node, promql_parser.BinaryExpr):
        return [node.lhs, node.rhs]
    if isinstance(node, promql_parser.ParenExpr | promql_parser.UnaryExpr | promql_parser.SubqueryExpr):
        return [node.expr]
    return []


def _operator(op: Any) -> str:
    match_op = promql_parser.MatchOp
    symbols = [(match_op.Equal, "="), (match_op.NotEqual, "!="), (match_op.Re, "=~"), (match_op.NotRe, "!~")]
    return next(symbol for member, symbol in symbols if op == member)
