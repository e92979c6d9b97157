"""Provider verification: each consumer's pact, as its consumer tests wrote it, replayed against the
real service process, on SQLite and on DynamoDB (moto's protocol server), with the consumer's own
bearer token. Where the pacts come from: pact_sources.py (fresh from the consumer tests by default)."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pact import Verifier
from pact_sources import PROVIDER, PactSource, generated_by_consumer_tests
from provider_states import DynamoDbStorage, ProviderStates, SqliteStorage, Storage, UnknownProviderStateError
from state_change_server import state_change_url

# tests/ is on sys.path (tests/conftest.py), so the integration helpers import as a namespace package.
from integration.dynamodb_server import REGION, start_server
from integration.service_process import ServiceProcess, run_command, service_env

TOKENS = {"workflow-engine": "engine-token", "orders-dashboard": "dashboard-token"}
"""Each known consumer and the token the verification sends for it (the pacts carry example values)."""
SERVICE_TOKENS = "engine-token=write,dashboard-token=read"
CURSOR_SECRET = "pact-verification-cursor-secret"

pytestmark = pytest.mark.slow  # the verification starts the service as a process, on SQLite and on moto


@dataclass(frozen=True)
class Provider:
    storage: str
    base_url: str
    states: ProviderStates
    state_change_url: str


@pytest.fixture(scope="module")
def pacts(tmp_path_factory: pytest.TempPathFactory) -> PactSource:
    return PactSource.configured() or generated_by_consumer_tests(tmp_path_factory.mktemp("pacts"))


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
    env = {"WFO_AUTH_TOKENS": SERVICE_TOKENS, "WFO_CURSOR_SECRET": CURSOR_SECRET}
    storage: Storage
    if request.param == "sqlite":
        storage = SqliteStorage(str(sqlite_path), CURSOR_SECRET)
    else:
        endpoint: str = request.getfixturevalue("moto_endpoint")
        prefix = f"pact{uuid.uuid4().hex[:8]}-"
        env.update(_dynamodb_env(endpoint, prefix))
        created = run_command(["create-tables"], service_env(sqlite_path, env))
        assert created.returncode == 0, created.stderr
        storage = DynamoDbStorage(endpoint, prefix, REGION, CURSOR_SECRET)
    states = ProviderStates(storage)
    service = ServiceProcess(sqlite_path, workdir, env).start()
    try:
        with state_change_url(states) as url:
            yield Provider(request.param, service.base_url, states, url)
    finally:
        service.stop()


def _verifier(provider: Provider, pacts: PactSource, consumer: str, token: str) -> Verifier:
    verifier = Verifier(PROVIDER, host="127.0.0.1").add_transport(url=provider.base_url)
    return (
        pacts.add_to(verifier, consumer)
        .state_handler(provider.state_change_url, body=True, teardown=False)
        .add_custom_header("Authorization", f"Bearer {token}")
        .set_coloured_output(enabled=False)
        .set_error_on_empty_pact()
    )


@pytest.mark.parametrize("consumer", sorted(TOKENS))
def test_the_service_honours_the_consumer_pact(provider: Provider, pacts: PactSource, consumer: str) -> None:
    verifier = _verifier(provider, pacts, consumer, TOKENS[consumer])
    try:
        verifier.verify()
    except RuntimeError:
        pytest.fail(f"{consumer}'s pact failed on {provider.storage}:\n{verifier.output(strip_ansi=True)}")
    results = {result["description"]: result["result"] for result in verifier.results["interactionResults"]}
    assert results
    assert set(results.values()) == {"OK"}, results


def test_the_verification_fails_when_the_service_answers_otherwise(provider: Provider, pacts: PactSource) -> None:
    """The harness can fail: the order writer's pact with a read-only token meets 403s, not 201/200."""
    verifier = _verifier(provider, pacts, "workflow-engine", TOKENS["orders-dashboard"])
    with pytest.raises(RuntimeError):
        verifier.verify()
    assert "403" in verifier.output(strip_ansi=True)


def test_provider_states_can_be_set_up_again_without_changing_anything(provider: Provider) -> None:
    workflow_id, name = "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a", "Idempotence check"
    order_id, missing_workflow = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "4c5d6e7f-8a9b-4c0d-8e1f-2a3b4c5d6e7f"
    workflow = {"workflow_id": workflow_id, "workflow_name": name}
    for _ in range(2):
        provider.states.setup("workflow exists", workflow)
        provider.states.setup("workflow exists with orders", {**workflow, "order_count": 3})
        provider.states.setup("order exists", {"order_id": order_id, **workflow, "order_price": "1.5"})
        provider.states.setup("no workflow", {"workflow_id": missing_workflow})
        provider.states.setup("no order", {"order_id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"})

    headers = {"Authorization": f"Bearer {TOKENS['orders-dashboard']}"}
    with httpx.Client(base_url=provider.base_url, headers=headers, timeout=10.0) as client:
        names = [item["name"] for item in client.get("/v1/workflows").json()["workflows"]]
        history = client.get(f"/v1/workflows/{workflow_id}/orders", params={"limit": 100}).json()
        assert client.get(f"/v1/workflows/{missing_workflow}").status_code == 404
    assert names.count(name) == 1
    assert history["total_count"] == 4
    assert len({order["id"] for order in history["orders"]}) == 4


def test_a_state_answers_the_cursor_the_service_gives_after_the_first_page(provider: Provider) -> None:
    workflow = {"workflow_id": "6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b", "workflow_name": "Cursor check"}
    values = provider.states.setup("workflow exists with orders", {**workflow, "order_count": 3, "page_size": 2})
    headers = {"Authorization": f"Bearer {TOKENS['orders-dashboard']}"}
    path = f"/v1/workflows/{workflow['workflow_id']}/orders"
    with httpx.Client(base_url=provider.base_url, headers=headers, timeout=10.0) as client:
        first = client.get(path, params={"limit": 2}).json()
        rest = client.get(path, params={"limit": 2, "cursor": values["next_cursor"]})
    assert values["next_cursor"] == first["next_cursor"]
    assert rest.status_code == 200, rest.text
    assert len(rest.json()["orders"]) == 1


def test_a_state_no_pact_should_name_is_refused(tmp_path: Path) -> None:
    states = ProviderStates(SqliteStorage(str(tmp_path / "unused.db"), CURSOR_SECRET))
    with pytest.raises(UnknownProviderStateError):
        states.setup("the moon is full", {})
