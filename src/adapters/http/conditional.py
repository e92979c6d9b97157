"""The answer to a conditional read: 304, a body kept under the current tag, or a body loaded now."""

from collections.abc import Callable
from typing import Any, TypeVar

from litestar.datastructures import State
from litestar.enums import MediaType

from adapters.body_cache import BodyCache
from adapters.http.entity_tags import cache_headers, matches, not_modified
from adapters.http.responses import JsonResponse
from domain.use_cases.reads import ConditionalRead

R = TypeVar("R")
B = TypeVar("B")


async def conditional_answer(
    read: ConditionalRead[R, B],
    tag_of: Callable[[R], str],
    if_none_match: str | None,
    cache: BodyCache,
    encode: Callable[[B], bytes],
) -> JsonResponse[Any]:
    """Answer `read` with the least work its revision allows.

    A client holding the tag of the read's revision gets a 304. Else a body kept in `cache` under
    that tag is the current one, sent as it was encoded. Else the body is loaded with a revision of
    its own, which gives the tag of the 200 (or of a 304), encoded, and kept under that tag.
    """
    tag = tag_of(read.revision)
    if matches(if_none_match, tag):
        return not_modified(tag)
    kept = cache.get(tag)
    if kept is not None:
        return _encoded(kept, tag)
    loaded = await read.load(read.revision)
    tag = tag_of(loaded.revision)
    if matches(if_none_match, tag):
        return not_modified(tag)
    body = encode(loaded.body)
    cache.put(tag, body)
    return _encoded(body, tag)


KEPT_BODIES = "body_cache"
"""The app state's name for the BodyCache (app state, not a dependency: a handler takes at most one)."""


def kept_bodies(state: State) -> BodyCache:
    cache: BodyCache = state[KEPT_BODIES]
    return cache


def _encoded(body: bytes, tag: str) -> JsonResponse[Any]:
    return JsonResponse(body, media_type=MediaType.JSON, headers=cache_headers(tag))
