"""Requests sent at once and answered together: when one fails, the others are cancelled, so no
request goes on after its caller has been answered."""

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

A = TypeVar("A")
B = TypeVar("B")


@asynccontextmanager
async def _task_group() -> AsyncIterator[asyncio.TaskGroup]:
    """A TaskGroup that raises the first error of its tasks as it is, not in an exception group."""
    try:
        async with asyncio.TaskGroup() as group:
            yield group
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None


async def both(first: Coroutine[Any, Any, A], second: Coroutine[Any, Any, B]) -> tuple[A, B]:
    """The results of `first` and `second`, run concurrently. The first error raised by either
    is raised as it is once the other has been cancelled."""
    async with _task_group() as group:
        one, other = group.create_task(first), group.create_task(second)
    return one.result(), other.result()


async def all_of(*calls: Coroutine[Any, Any, None]) -> None:
    """Run `calls` concurrently until all are done; the first error is raised as it is once the
    others have been cancelled."""
    async with _task_group() as group:
        for call in calls:
            group.create_task(call)
