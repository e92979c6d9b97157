"""Conditional reads: a read use case answers with how to read what its body depends on, and how to
load the body; the HTTP adapter decides which it needs (a 304, a kept body, or the body itself)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

R = TypeVar("R")
B = TypeVar("B")


@dataclass(frozen=True, slots=True)
class Loaded(Generic[R, B]):
    """A body and the revision it is current for, read together: the body is never older than the
    revision (so a tag made of the revision never claims a newer state than the body shows).
    `fresh_until`: an instant until which the body stays current whatever happens (an order, which
    never changes while visible), or None when only its revision can tell."""

    revision: R
    body: B
    fresh_until: int | None = None


@dataclass(frozen=True, slots=True)
class ConditionalRead(Generic[R, B]):
    """A read use case's answer before any storage read.

    `revision()` reads, from storage and now, what an entity tag is made of (and raises the use
    case's NotFoundError when there is nothing to read); a client whose copy has this revision holds
    the current body. `load(known)` reads the body with a revision of its own: `known`, a revision
    read just before, may come back as the body's revision when the storage cannot read both at one
    moment; with None, the load reads its revision itself (one snapshot where the storage can). It
    raises the use case's errors (a query found invalid only then, a 404 seen meanwhile).
    `settled`: the revision when it is known without reading (an order's is its id), else None.
    """

    revision: Callable[[], Awaitable[R]]
    load: Callable[[R | None], Awaitable[Loaded[R, B]]]
    settled: R | None = None
