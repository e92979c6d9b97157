"""Provider verification: every consumer pact in pacts/ replayed against the real service process,
on SQLite and on DynamoDB (moto's protocol server), with each consumer's own bearer token."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pact import Verifier
from provider_states import DynamoDbStorage, ProviderStates, SqliteStorage, Storage, UnknownProviderStateError

# tests/ is on sys.path (tests/conftest.py), so the integration helpers import as a namespace package.
from integration.dynamodb_server import REGION, start_server
from integration.service_process import ServiceProcess, run_command, service_env

PROVIDER = "workflow-orders"
PACTS = Path(__file__).parent / "pacts"
PACT_FILES = sorted(PACTS.glob("*.json"))

TOKENS = {"workflow-engine": "engine-token", "orders-dashboard": "dashboard-token"}
"""The token the provider test sends for each consumer; the pacts carry example values only."""
SERVICE_TOKENS = "engine-token=write,dashboard-token=read"

pytestmark = pytest.mark.slow  # the verification starts the service as a process, on SQLite and on moto


@dataclass(frozen=True)
class Provider:
    storage: str
    base_url: str
    states: ProviderStates


def _pact(path: Path) -> dict[str, Any]:
    pact: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return pact


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server, url = start_server()
    yield url
    server.stop()


def _dynamodb_env(endpoint: str, prefix: str) -> dict[str, str]:
    return {
        "WFO_STORAGE": "dynamodb",
        "WFO_DYNAMODB_TABLE_PREFIX": prefix,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


@pytest.fixture(scope="module", params=["sqlite", "dynamodb"])
def provider(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """`workflow-orders serve` on a free loopback port over fresh storage, with consumer tokens."""
    workdir = tmp_path_factory.mktemp(f"provider-{request.param}")
    sqlite_path = workdir / "orders.db"
    env = {"WFO_AUTH_TOKENS": SERVICE_TOKENS}
    storage: Storage
    if request.param == "sqlite":
        storage = SqliteStorage(str(sqlite_path))
    else:
        endpoint: str = request.getfixturevalue("moto_endpoint")
        prefix = f"pact{uuid.uuid4().hex[:8]}-"
        env.update(_dynamodb_env(endpoint, prefix))
        created = run_command(["create-tables"], service_env(sqlite_path, env))
        assert created.returncode == 0, created.stderr
        storage = DynamoDbStorage(endpoint, prefix, REGION)
    service = ServiceProcess(sqlite_path, workdir, env).start()
    try:
        yield Provider(request.param, service.base_url, ProviderStates(storage))
    finally:
        service.stop()


def _verifier(provider: Provider, pact_file: Path, token: str) -> Verifier:
    return (
        Verifier(PROVIDER, host="127.0.0.1")
        .add_transport(url=provider.base_url)
        .add_source(pact_file)
        .state_handler(provider.states, teardown=False)
        .add_custom_header("Authorization", f"Bearer {token}")
        .set_coloured_output(enabled=False)
        .set_error_on_empty_pact()
    )


def test_there_is_a_pact_for_each_consumer() -> None:
    assert {_pact(path)["consumer"]["name"] for path in PACT_FILES} == set(TOKENS)


@pytest.mark.parametrize("pact_file", PACT_FILES, ids=lambda path: path.stem)
def test_every_pact_is_a_v3_pact_with_this_provider_and_known_states(pact_file: Path) -> None:
    pact = _pact(pact_file)
    assert pact["provider"]["name"] == PROVIDER
    assert pact_file.name == f"{pact['consumer']['name']}-{PROVIDER}.json"
    assert pact["metadata"]["pactSpecification"]["version"] == "3.0.0"
    assert pact["interactions"]
    known = ProviderStates(SqliteStorage(":memory:")).names
    for interaction in pact["interactions"]:
        for state in interaction.get("providerStates", []):
            assert state["name"] in known, f"{interaction['description']!r} needs an unknown state {state['name']!r}"


@pytest.mark.parametrize("pact_file", PACT_FILES, ids=lambda path: path.stem)
def test_the_service_honours_the_consumer_pact(provider: Provider, pact_file: Path) -> None:
    pact = _pact(pact_file)
    verifier = _verifier(provider, pact_file, TOKENS[pact["consumer"]["name"]])
    try:
        verifier.verify()
    except RuntimeError:
        pytest.fail(f"pact verification failed on {provider.storage}:\n{verifier.output(strip_ansi=True)}")
    results = {result["description"]: result["result"] for result in verifier.results["interactionResults"]}
    assert results == {interaction["description"]: "OK" for interaction in pact["interactions"]}


def test_the_verification_fails_when_the_service_answers_otherwise(provider: Provider) -> None:
    """The harness can fail: the order writer's pact with a read-only token meets 403s, not 201/200."""
    verifier = _verifier(provider, PACTS / f"workflow-engine-{PROVIDER}.json", TOKENS["orders-dashboard"])
    with pytest.raises(RuntimeError):
        verifier.verify()
    assert "403" in verifier.output(strip_ansi=True)


def test_provider_states_can_be_set_up_again_without_changing_anything(provider: Provider) -> None:
    workflow_id, name = "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a", "Idempotence check"
    order_id, missing_workflow = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "4c5d6e7f-8a9b-4c0d-8e1f-2a3b4c5d6e7f"
    for _ in range(2):
        provider.states("workflow exists", "setup", {"workflow_id": workflow_id, "workflow_name": name})
        provider.states(
            "workflow exists with orders",
            "setup",
            {"workflow_id": workflow_id, "workflow_name": name, "order_count": 3},
        )
        provider.states(
            "order exists",
            "setup",
            {"order_id": order_id, "workflow_id": workflow_id, "workflow_name": name, "order_price": "1.5"},
        )
        provider.states("no workflow", "setup", {"workflow_id": missing_workflow})
        provider.states("no order", "setup", {"order_id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"})

    headers = {"Authorization": f"Bearer {TOKENS['orders-dashboard']}"}
    with httpx.Client(base_url=provider.base_url, headers=headers, timeout=10.0) as client:
        names = [item["name"] for item in client.get("/v1/workflows").json()["workflows"]]
        history = client.get(f"/v1/workflows/{workflow_id}/orders", params={"limit": 100}).json()
        assert client.get(f"/v1/workflows/{missing_workflow}").status_code == 404
    assert names.count(name) == 1
    assert history["total_count"] == 4
    assert len({order["id"] for order in history["orders"]}) == 4


def test_a_state_no_pact_should_name_is_refused(tmp_path: Path) -> None:
    states = ProviderStates(SqliteStorage(str(tmp_path / "unused.db")))
    with pytest.raises(UnknownProviderStateError):
        states("the moon is full", "setup", {})
