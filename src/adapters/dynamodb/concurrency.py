"""Requests sent at once and answered together: when one fails, the others are cancelled, so no
request goes on after its caller has been answered."""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

A = TypeVar("A")
B = TypeVar("B")


async def both(first: Coroutine[Any, Any, A], second: Coroutine[Any, Any, B]) -> tuple[A, B]:
    """The results of `first` and `second`, run concurrently. The first error raised by either
    is raised as it is (not wrapped in an exception group) once the other has been cancelled."""
    try:
        async with asyncio.TaskGroup() as group:
            one, other = group.create_task(first), group.create_task(second)
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return one.result(), other.result()
