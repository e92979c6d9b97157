"""The answer to a conditional read: 304, a body kept under the current tag, or a body loaded now."""

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from litestar.datastructures import State
from litestar.enums import MediaType

from adapters.body_cache import BodyCache
from adapters.http.entity_tags import cache_headers, matches, not_modified
from adapters.http.responses import JsonResponse
from domain.use_cases.reads import ConditionalRead

R = TypeVar("R")
B = TypeVar("B")

KEPT_BODIES = "body_cache"
"""The app state's name for the BodyCache (app state, not a dependency: a handler takes at most one)."""


def kept_bodies(state: State) -> BodyCache:
    cache: BodyCache = state[KEPT_BODIES]
    return cache


async def conditional_answer(
    read: ConditionalRead[R, B],
    subject: Hashable,
    tag_of: Callable[[R], str],
    if_none_match: str | None,
    cache: BodyCache,
    encode: Callable[[B], bytes],
) -> JsonResponse[Any]:
    """Answer `read` with the fewest storage reads. `subject` names what the read answers apart from
    the state it reads (the kind, its ids, the query, the form of decimals): one body per subject is
    kept.

    - A settled revision (an order): its kept body, if still fresh, answers without any read.
    - Nothing to compare with (no If-None-Match, no body kept for the subject): the body is loaded
      at once, with a revision of its own (one snapshot on SQLite).
    - Else the revision is read: a client holding its tag gets a 304; a body kept under it is sent
      as it was encoded; else the body is loaded with that revision known.
    A loaded body's tag comes from the revision loaded with it; it is encoded and kept.
    """
    known: R | None = read.settled
    if known is not None:
        tag = tag_of(known)
        kept = cache.body(subject, tag)
        if kept is not None:
            return not_modified(tag) if matches(if_none_match, tag) else _encoded(kept, tag)
        known = None  # whether it is still visible is for the load to say
    elif if_none_match is not None or cache.holds(subject):
        known = await read.revision()
        tag = tag_of(known)
        if matches(if_none_match, tag):
            return not_modified(tag)
        kept = cache.body(subject, tag)
        if kept is not None:
            return _encoded(kept, tag)
    loaded = await read.load(known)
    tag = tag_of(loaded.revision)
    if matches(if_none_match, tag):
        return not_modified(tag)
    body = encode(loaded.body)
    cache.put(subject, tag, body, loaded.fresh_until)
    return _encoded(body, tag)


def _encoded(body: bytes, tag: str) -> JsonResponse[Any]:
    return JsonResponse(body, media_type=MediaType.JSON, headers=cache_headers(tag))
