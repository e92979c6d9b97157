"""adapters.dynamodb.concurrency.both: two requests at once, none left running after a failure."""

import asyncio

import pytest

from adapters.dynamodb.concurrency import both
from domain.model.errors import StorageUnavailableError


async def test_both_results_come_back_in_order() -> None:
    async def later(value: str, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return value

    assert await both(later("page", 0.02), later("count", 0.0)) == ("page", "count")


async def test_a_failure_is_raised_unwrapped_and_the_other_request_is_cancelled() -> None:
    cancelled = asyncio.Event()
    error = StorageUnavailableError("throttled")

    async def failing() -> int:
        await asyncio.sleep(0)
        raise error

    async def still_paging() -> int:
        try:
            await asyncio.Event().wait()  # would page on forever
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return 0

    with pytest.raises(StorageUnavailableError) as raised:
        await both(still_paging(), failing())

    assert raised.value is error
    assert cancelled.is_set()
