"""Schemathesis against the live service's own OpenAPI document, as `schemathesis run --checks all` runs it:
authenticated with a write token, every check, valid and invalid data, through the examples, coverage and
fuzzing phases. Any difference between what the document allows and what the service accepts fails.

The only schema-valid requests the service may refuse (400) are those that break a rule no schema can state;
each such rule is named below, with the field and message of the 400 it gives, and nothing else is let pass.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from reliability_kit import JSON, Service, Services, order_body
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from adapters.http.openapi import EVENT_STREAM_EXTENSION
from builders import encode, workflow_body

WRITE_TOKEN = "schemathesis-write-token"
MAX_EXAMPLES = 50
SEED = 20260222
BEYOND_THE_SCHEMA = {
    "placed_at": {
        "is more than 5 minutes in the future",  # relative to the service's clock
        "is older than 7 days: the order would be expired",
    },
    "cursor": {"not a cursor issued for this query (its workflow or window, and its filters)"},  # signed by the service
    "since": {"must not be after until", "not with day"},  # relations between parameters
    "until": {"not with day"},
    "tz": {"only goes with day", "must be an IANA time zone name, e.g. Europe/Paris"},  # the zone database
    "day": {"must be a calendar day, YYYY-MM-DD", "must be from 0001-01-02 to 9999-12-30"},  # 2026-02-30
}
"""Field -> messages of the 400s that schema-valid requests may get: rules a schema cannot state."""
SIGNIFICANT_DIGITS = "has more than 38 significant digits"
"""Any decimal field may get this one: no schema keyword counts significant digits."""
MAGNITUDE = {"magnitude must be between 1E-130 and 9.99E+125", "is a number whose exponent is out of range"}
"""A decimal sent as a string may get these: a string's schema (a pattern) cannot bound its magnitude.
A decimal sent as a number may not: its schema states the bounds."""
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass
class Findings:
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    checks: Counter[str] = field(default_factory=Counter)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)
    beyond_the_schema: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [
            f"\n[schemathesis] {sum(c.total() for c in self.statuses.values())} requests, by operation and status:"
        ]
        lines += [f"  {label}: {dict(sorted(counts.items()))}" for label, counts in sorted(self.statuses.items())]
        lines.append(f"  checks run: {dict(sorted(self.checks.items()))}")
        if self.beyond_the_schema:
            lines.append(f"  valid by the schema, refused by a rule beyond it: {dict(self.beyond_the_schema)}")
        return "\n".join(lines)


def sent_at(request_body: Any, field_path: str) -> Any:
    """The value at a field path of a 400 (`conditions[0].indicator.value`) in the body sent, or None."""
    value = request_body
    for key, index in _PATH_PART.findall(field_path):
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def only_rules_beyond_the_schema(status: int, body: bytes, request_body: Any = None) -> bool:
    """True when a 400 names only rules that no schema can state."""
    if status != 400:
        return False
    try:
        errors = json.loads(body).get("errors") or []
    except (ValueError, AttributeError):
        return False
    return bool(errors) and all(
        error.get("message") in BEYOND_THE_SCHEMA.get(error.get("field"), ())
        or error.get("message") == SIGNIFICANT_DIGITS
        or (error.get("message") in MAGNITUDE and isinstance(sent_at(request_body, error.get("field", "")), str))
        for error in errors
    )


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    services = Services(Path(tmp_path_factory.mktemp("schemathesis")))
    try:
        yield services.start("sqlite", env={"WFO_AUTH_TOKENS": f"{WRITE_TOKEN}=write"})
    finally:
        services.kill_all()


def real_ids(base_url: str) -> tuple[str, str, str]:
    """A workflow with orders, a second workflow to delete, and an order id: generated requests get past 404."""
    headers = {"content-type": JSON, "authorization": f"Bearer {WRITE_TOKEN}"}
    with httpx.Client(base_url=base_url, timeout=30.0, headers=headers) as http:
        ids = []
        for name in ("schemathesis target", "schemathesis victim"):
            created = http.post("/v1/workflows", content=encode(workflow_body(name)))
            assert created.status_code == 201, created.text
            ids.append(created.json()["id"])
        order_id = str(uuid.uuid4())
        for n in range(5):
            body = order_body(int(time.time()) - 300 + n, order_id=order_id if n == 0 else None)
            recorded = http.post(f"/v1/workflows/{ids[0]}/orders", content=encode(body))
            assert recorded.status_code == 201, recorded.text
    return ids[0], ids[1], order_id


def run_config(workflow_id: str, victim_id: str, order_id: str) -> SchemathesisConfig:
    """`schemathesis run --checks all` with the bearer token, real ids, and a fixed seed and budget."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "continue-on-failure": True,
            "workers": 1,
            "auth": {"openapi": {"bearer": {"bearer": WRITE_TOKEN}}},
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
            "phases": {"stateful": {"enabled": False}},  # the document declares no links to follow
            "parameters": {"path.workflow_id": workflow_id, "path.order_id": order_id},
            "operations": [
                {"include-name": "DELETE /v1/workflows/{workflow_id}", "parameters": {"path.workflow_id": victim_id}}
            ],
        }
    )
    config.projects.override.checks.update(included_check_names=["all"])
    return config


def collect(event: events.EngineEvent, findings: Findings) -> None:
    if isinstance(event, events.NonFatalError):
        findings.errors.append(f"{event.label}: {event.value!r}")
        return
    if isinstance(event, events.FatalError):
        findings.errors.append(repr(event.exception))
        return
    if not isinstance(event, events.ScenarioFinished):
        return
    recorder = event.recorder
    for interaction in recorder.interactions.values():
        if interaction.response is not None:
            findings.statuses.setdefault(recorder.label, Counter())[interaction.response.status_code] += 1
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            findings.checks[node.name] += 1
            if node.failure_info is None:
                continue
            failure = node.failure_info.failure
            response = recorder.find_response(case_id=case_id)
            status, body = (response.status_code, response.content) if response else (0, b"")
            sent = recorder.cases[case_id].value.body if case_id in recorder.cases else None
            if node.name == "positive_data_acceptance" and only_rules_beyond_the_schema(status, body, sent):
                findings.beyond_the_schema[recorder.label] += 1
                continue
            findings.failures.setdefault(
                (recorder.label, failure.title),
                f"{failure.message}\n    -> {status} {body[:300]!r}\n    $ {node.failure_info.code_sample[:800]}",
            )


def is_event_stream(context: Any) -> bool:
    return context.operation.definition.raw.get(EVENT_STREAM_EXTENSION) is True


def documented_operations(schema: Any) -> set[str]:
    return {result.ok().label for result in schema.get_all_operations()}


def test_the_service_accepts_exactly_what_its_document_allows_and_answers_as_documented(api: Service):
    config = run_config(*real_ids(api.base_url))
    schema = schemathesis.openapi.from_url(f"{api.base_url}/schema/openapi.json", config=config)
    # A stream answers 200 and never ends: a request/response fuzzer would wait on it forever. The
    # document marks such operations `x-event-stream: true`; they are left out by that mark (as
    # `schemathesis run --exclude-by '/x-event-stream == true'` does). Their parameters and errors
    # are tested in tests/unit/test_http_stream.py, their events in tests/integration.
    schema = schema.exclude(func=is_event_stream)
    findings = Findings()
    for event in schemathesis.engine.from_schema(schema).execute():
        collect(event, findings)

    print(findings.report())
    report = "\n".join(f"{label} — {title}:\n{detail}" for (label, title), detail in findings.failures.items())
    assert not findings.errors, findings.errors
    assert not findings.failures, f"{len(findings.failures)} distinct failures:\n{report}"
    assert set(findings.statuses) == documented_operations(schema), findings.statuses
    assert {"positive_data_acceptance", "negative_data_rejection", "ignored_auth"} <= set(findings.checks)
