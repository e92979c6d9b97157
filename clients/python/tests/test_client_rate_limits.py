"""Both clients against a service whose request budget is tiny: a 429 is waited out (its Retry-After,
within the policy's cap) and reads and order records are tried again; without retries it is RateLimited."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from app.factory import create_app
from app.settings import Settings
from client_helpers import TOKENS, Driver, order_fields, workflow_request
from workflow_orders_client import NO_RETRIES, RateLimited, RetryPolicy, Unavailable

PATIENT = RetryPolicy(attempts=4, backoff_base=0.01, backoff_cap=2.0)
"""Waits out the service's Retry-After (1 s with this budget)."""


@pytest.fixture(scope="module")
def service_app(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Any]:
    """Each consumer may make 2 requests at once, then 4 a second: a third request at once is a 429."""
    path = tmp_path_factory.mktemp("client-budget") / "orders.db"
    settings = Settings(
        sqlite_path=str(path),
        auth_tokens=TOKENS,
        log_format="console",
        access_log=False,
        rate_limit_per_second=4,
        rate_limit_burst=2,
    )
    return lambda: create_app(settings)


def test_reads_and_order_records_past_the_budget_wait_and_succeed(drivers: Any) -> None:
    api: Driver = drivers(retry=PATIENT)
    workflow = api("create_workflow", workflow_request())
    order_id = str(uuid.uuid4())
    recorded = api("record_order", workflow.id, id=order_id, **order_fields())

    for _ in range(3):  # each past the budget: answered 429 first, then tried again
        assert api("get_order", order_id).id == order_id
    again = api("record_order", workflow.id, id=order_id, **order_fields())

    assert (recorded.created, again.created) == (True, False)
    assert again.order.id == recorded.order.id == order_id
    assert api("get_workflow", workflow.id).order_summary.total_count == 1


def test_without_retries_a_429_is_raised_as_rate_limited_with_its_retry_after(drivers: Any) -> None:
    api: Driver = drivers(retry=NO_RETRIES)
    workflow = api("create_workflow", workflow_request())
    api("get_workflow", workflow.id)

    with pytest.raises(RateLimited) as raised:
        api("get_workflow", workflow.id)

    assert raised.value.status == 429
    assert raised.value.retry_after == 1
    assert isinstance(raised.value, Unavailable)  # code that waits out a 503 waits out a 429 too
