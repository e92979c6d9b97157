"""Bearer tokens on the running service: 401 without a known token, 403 for a read token that writes, public
operations stay public, tokens from a file work, and no token value ever reaches the logs."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from reliability_kit import JSON, PROBLEM_JSON, Service, Services, order_body

from builders import encode, workflow_body


@dataclass
class Tokens:
    write: str
    read: str
    file_write: str
    file_read: str
    unknown: str

    def all(self) -> list[str]:
        return [self.write, self.read, self.file_write, self.file_read, self.unknown]


@pytest.fixture(scope="module")
def tokens() -> Tokens:
    return Tokens(*(f"tok-{name}-{secrets.token_hex(16)}" for name in ("w", "r", "fw", "fr", "unknown")))


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory, tokens: Tokens) -> Iterator[Service]:
    """A service with tokens from WFO_AUTH_TOKENS and from a file (one entry per line), logging at DEBUG."""
    directory = Path(tmp_path_factory.mktemp("auth"))
    token_file = directory / "tokens"
    token_file.write_text(f"{tokens.file_write}=write\n{tokens.file_read}=read\n")
    services = Services(directory)
    env = {
        "WFO_AUTH_TOKENS": f"{tokens.write}=write,{tokens.read}=read",
        "WFO_AUTH_TOKENS_FILE": str(token_file),
        "WFO_LOG_LEVEL": "DEBUG",
    }
    try:
        yield services.start("sqlite", env=env)
    finally:
        services.kill_all()


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def workflow_id(secured: Service, tokens: Tokens) -> str:
    created = httpx.post(
        f"{secured.base_url}/v1/workflows",
        content=encode(workflow_body("auth")),
        headers={"content-type": JSON, **bearer(tokens.write)},
        timeout=30.0,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def operations(workflow_id: str) -> list[tuple[str, str, bytes | None]]:
    order = encode(order_body(int(time.time()) - 60, order_id=str(uuid.uuid4())))
    return [
        ("GET", "/v1/workflows", None),
        ("GET", f"/v1/workflows/{workflow_id}", None),
        ("GET", f"/v1/workflows/{workflow_id}/orders", None),
        ("GET", f"/v1/orders/{uuid.uuid4()}", None),
        ("GET", "/v1/orders/latest", None),
        ("POST", "/v1/workflows", encode(workflow_body(f"auth {uuid.uuid4()}"))),
        ("PUT", f"/v1/workflows/{workflow_id}", encode(workflow_body("auth"))),
        ("DELETE", f"/v1/workflows/{uuid.uuid4()}", None),
        ("POST", f"/v1/workflows/{workflow_id}/orders", order),
    ]


WRITES = ("POST", "PUT", "DELETE")


def send(service: Service, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> httpx.Response:
    if body is not None:
        headers = {"content-type": JSON, **headers}
    return httpx.request(method, f"{service.base_url}{path}", content=body, headers=headers, timeout=30.0)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer unknown", "Basic dXNlcjpwYXNz", "Token {write}", "Bearer {write}x", "{write}"],
)
def test_a_request_without_a_known_bearer_token_is_401_with_www_authenticate(
    secured: Service, tokens: Tokens, workflow_id: str, authorization: str | None
):
    headers = {} if authorization is None else {"authorization": authorization.format(write=tokens.write)}
    for method, path, body in operations(workflow_id):
        response = send(secured, method, path, body, headers)

        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer"), (method, path)
        assert response.headers["content-type"].startswith(PROBLEM_JSON)


def test_a_read_token_reads_and_is_403_on_every_write(secured: Service, tokens: Tokens, workflow_id: str):
    for token in (tokens.read, tokens.file_read):
        for method, path, body in operations(workflow_id):
            response = send(secured, method, path, body, bearer(token))

            if method in WRITES:
                assert response.status_code == 403, (method, path, response.text)
                assert response.headers["content-type"].startswith(PROBLEM_JSON)
            else:
                assert response.status_code in (200, 404), (method, path, response.text)


def test_write_tokens_from_the_variable_and_from_the_file_write_and_read(
    secured: Service, tokens: Tokens, workflow_id: str
):
    for token in (tokens.write, tokens.file_write):
        answers = [send(secured, m, p, b, bearer(token)).status_code for m, p, b in operations(workflow_id)]

        assert answers == [200, 200, 200, 404, 200, 201, 200, 404, 201], token[:8]


def test_the_scheme_name_is_case_insensitive(secured: Service, tokens: Tokens):
    response = httpx.get(
        f"{secured.base_url}/v1/workflows", headers={"authorization": f"bearer {tokens.read}"}, timeout=30.0
    )

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/metrics", "/schema/openapi.json", "/schema"])
def test_health_metrics_and_schema_are_public(secured: Service, path: str):
    response = httpx.get(f"{secured.base_url}{path}", timeout=30.0)

    assert response.status_code == 200, response.text[:300]


def test_no_token_value_ever_reaches_the_logs_or_the_metrics(secured: Service, tokens: Tokens, workflow_id: str):
    """Runs after the tests above (valid, read-only, malformed and unknown tokens) and sends a few more."""
    for token in tokens.all():
        for method, path, body in operations(workflow_id):
            send(secured, method, path, body, bearer(token))
            send(secured, method, path, body, {"authorization": token})
            send(secured, method, path, body, {"authorization": f"Basic {token}"})
    metrics = httpx.get(f"{secured.base_url}/metrics", timeout=30.0).text
    logs = secured.output()

    assert "request" in logs, "the service logged nothing: this test would prove nothing"
    for token in tokens.all():
        secret = token.split("-", 2)[2]
        assert secret not in logs, f"a token ({token[:8]}...) appears in the service's output"
        assert secret not in metrics, f"a token ({token[:8]}...) appears in /metrics"
