"""Fair use per consumer: the token buckets, their bounded table, the settings, and the gate over HTTP."""

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.http.fair_use import Budget, FairUse
from app.factory import create_app
from app.settings import Settings, SettingsError

TOKEN = "fair-use-write-token"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_spends_its_burst_then_refills_at_its_rate() -> None:
    clock = Clock()
    fair_use = FairUse(Budget(per_second=2, burst=3), clock=clock)

    spent = [fair_use.take("a") for _ in range(4)]
    clock.now += 0.5
    refilled = fair_use.take("a")

    assert [d.allowed for d in spent] == [True, True, True, False]
    assert [d.remaining for d in spent[:3]] == [2, 1, 0]
    assert spent[3].retry_after == 1
    assert spent[3].state == '"consumer";r=0;t=2'
    assert refilled.allowed
    assert fair_use.take("b").allowed  # another consumer has its own budget


def test_the_table_keeps_at_most_its_capacity_of_consumers() -> None:
    fair_use = FairUse(Budget(per_second=1, burst=1), capacity=3, clock=Clock())
    for n in range(10):
        fair_use.take(f"address:10.0.0.{n}")
    assert len(fair_use) == 3


def test_the_policy_names_the_burst_and_the_seconds_to_refill_it() -> None:
    assert Budget(per_second=1000, burst=2000).policy == '"consumer";q=2000;w=2'
    assert Budget(per_second=0.5, burst=1).policy == '"consumer";q=1;w=2'


@pytest.mark.parametrize(
    ("env", "rate", "burst"),
    [
        ({}, 1000.0, 2000),
        ({"WFO_RATE_LIMIT_PER_SECOND": "0"}, 0.0, 2000),
        ({"WFO_RATE_LIMIT_PER_SECOND": "2.5", "WFO_RATE_LIMIT_BURST": "5"}, 2.5, 5),
    ],
)
def test_the_budget_settings(env: dict[str, str], rate: float, burst: int) -> None:
    settings = Settings.from_env(env)
    assert (settings.rate_limit_per_second, settings.rate_limit_burst) == (rate, burst)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WFO_RATE_LIMIT_PER_SECOND", "-1"),
        ("WFO_RATE_LIMIT_PER_SECOND", "nan"),
        ("WFO_RATE_LIMIT_PER_SECOND", "lots"),
        ("WFO_RATE_LIMIT_BURST", "0"),
        ("WFO_RATE_LIMIT_BURST", "2000001"),
    ],
)
def test_a_bad_budget_setting_is_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def small_budget_client(tmp_path: Path, **settings: Any) -> TestClient[Any]:
    values = {"rate_limit_per_second": 0.01, "rate_limit_burst": 2} | settings
    return TestClient(create_app(Settings(sqlite_path=str(tmp_path / "orders.db"), access_log=False, **values)))


def test_past_its_budget_a_consumer_gets_a_429_problem_and_probes_never_do(tmp_path: Path) -> None:
    with small_budget_client(tmp_path, auth_tokens={TOKEN: "write"}) as client:
        auth = {"authorization": f"Bearer {TOKEN}"}
        answers = [client.get("/v1/workflows", headers=auth) for _ in range(3)]
        unknown_token = client.get("/v1/workflows", headers={"authorization": "Bearer invented"})
        probes = {client.get(path).status_code for path in ("/health/live", "/health/ready", "/metrics") * 5}
        metrics = client.get("/metrics").text

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert all(a.headers["ratelimit-policy"] == '"consumer";q=2;w=200' for a in answers)
    assert [a.headers["ratelimit"].split(";")[1] for a in answers] == ["r=1", "r=0", "r=0"]
    refused = answers[2]
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["title"] == "Too Many Requests"
    assert refused.headers["retry-after"] == "100"
    assert unknown_token.status_code == 401  # charged to its address, which still has a budget
    assert unknown_token.headers["ratelimit"].startswith('"consumer";r=1;')
    assert probes == {200}
    assert "http_requests_rate_limited_total 1.0" in metrics


def test_with_a_rate_of_0_fair_use_is_off(tmp_path: Path) -> None:
    with small_budget_client(tmp_path, rate_limit_per_second=0) as client:
        answers = [client.get("/v1/workflows") for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert "ratelimit" not in answers[0].headers
