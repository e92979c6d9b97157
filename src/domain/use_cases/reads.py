"""Conditional reads: a read use case answers with what its body depends on, and how to load it."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

R = TypeVar("R")
B = TypeVar("B")


@dataclass(frozen=True, slots=True)
class Loaded(Generic[R, B]):
    """A body and the revision it is current for, read together: the body is never older than the
    revision (so a tag made of the revision never claims a newer state than the body shows)."""

    revision: R
    body: B


@dataclass(frozen=True, slots=True)
class ConditionalRead(Generic[R, B]):
    """The answer of a read use case before its body: the revision, read from storage just now (what
    an entity tag is made of; getting it also checked that there is something to read, else the use
    case raised its NotFoundError), and `load`, which reads the body with a revision of its own.

    A client whose copy has this revision holds the current body. `load(known)` may return `known`
    (this read's revision) as the body's revision when the storage cannot read both at one moment;
    it raises the use case's errors (a query found invalid only then, a 404 seen meanwhile).
    """

    revision: R
    load: Callable[[R | None], Awaitable[Loaded[R, B]]]
