"""Entity tags for conditional GETs: strong tags that change whenever the body would, and If-None-Match.

A tag is a digest of what the body depends on. For one order that is its id (an order never
changes while it can be read); for a workflow and its history, the workflow's revision (see
ports.revisions) and, for the history, every field of its query object (query_parts: a field
added to HistoryQuery or HistoryFilter enters the tag by itself); for the workflow list and latest
orders, the body's own bytes.
Digests are BLAKE2b of a canonical text, so every replica gives the same tag to the same state.
A body with decimals as strings is another representation of the same state: its tag differs
(the form is part of the digest), so that a 304 is never given for a tag of the other form.
"""

import base64
import hashlib
from dataclasses import dataclass, fields, is_dataclass
from typing import Annotated, Any

from litestar.datastructures import ResponseHeader
from litestar.enums import MediaType
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIHeader, OpenAPIType, Operation, Schema
from litestar.params import HeaderParameter

from adapters.http.decimal_forms import DecimalForm
from adapters.http.responses import JsonResponse
from adapters.spec_json import spec_to_json
from domain.model.history import HistoryQuery
from domain.model.ids import Id
from ports.revisions import WorkflowRevision

CACHE_CONTROL = "private, no-cache"
"""A client may keep a response but must revalidate it before each use; shared caches keep nothing."""


def _tag(form: DecimalForm, *parts: object) -> str:
    if form is DecimalForm.STRING:  # the number form's tags stay those of earlier versions
        parts = (*parts, form.value)
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=15).digest()
    return f'"{base64.urlsafe_b64encode(digest).decode()}"'


def order_tag(order_id: Id, form: DecimalForm) -> str:
    return _tag(form, "order", order_id)


def workflow_tag(revision: WorkflowRevision, form: DecimalForm) -> str:
    """The tag of a live workflow's details (a workflow that is not live has no details, but a 404)."""
    workflow = revision.workflow
    if workflow is None:
        raise ValueError("only a live workflow has details to tag")
    return _tag(
        form,
        "workflow",
        workflow.id,
        workflow.created_at,
        workflow.updated_at,
        spec_to_json(workflow.spec),
        revision.orders_recorded,
        revision.oldest_visible,
    )


def history_tag(workflow_id: Id, revision: WorkflowRevision, query: HistoryQuery, form: DecimalForm) -> str:
    live = revision.workflow is not None
    return _tag(
        form, "history", workflow_id, live, revision.orders_recorded, revision.oldest_visible, *query_parts(query)
    )


def query_parts(query: object) -> tuple[str, ...]:
    """The text of every field of a query dataclass, in declaration order: none is listed by hand.
    A field that is itself a dataclass reads as its repr would (`HistoryFilter(since=None, ...)`),
    every field of it included, so the tags of earlier versions stay the same."""
    return tuple(
        _nested_text(value) if is_dataclass(value) else str(value)
        for value in (getattr(query, field.name) for field in fields(query))  # type: ignore[arg-type]
    )


def _nested_text(value: object) -> str:
    if not is_dataclass(value) or isinstance(value, type):
        return repr(value)
    inner = ", ".join(f"{field.name}={_nested_text(getattr(value, field.name))}" for field in fields(value))
    return f"{type(value).__qualname__}({inner})"


def body_tag(body: bytes, form: DecimalForm) -> str:
    return _tag(form, "body", hashlib.blake2b(body, digest_size=32).hexdigest())


def matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 If-None-Match: `*`, or any listed tag equal to `tag` by weak comparison."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(candidate.strip().removeprefix("W/") == tag for candidate in if_none_match.split(","))


def not_modified(tag: str) -> JsonResponse[Any]:
    return JsonResponse(None, status_code=304, headers=cache_headers(tag))


def tagged_by_body(body: object, if_none_match: str | None, form: DecimalForm) -> JsonResponse[Any]:
    """The body, encoded once in `form`, tagged by its own bytes: a 304 saves the transfer, not the reads."""
    encoded = form.encoder.encode(body)
    tag = body_tag(encoded, form)
    if matches(if_none_match, tag):
        return not_modified(tag)
    return JsonResponse(encoded, media_type=MediaType.JSON, headers=cache_headers(tag))


def cache_headers(tag: str) -> dict[str, str]:
    return {"ETag": tag, "Cache-Control": CACHE_CONTROL}


IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        description="ETag(s) of a response the client holds: 304 Not Modified when one is current",
        required=False,
    ),
]

CONDITIONAL_RESPONSES = {
    304: ResponseSpec(
        None, description="Not modified: the If-None-Match tag is current (no body)", generate_examples=False
    ),
}


@dataclass
class TaggedRead(Operation):
    """A read whose 200 carries ETag and Cache-Control, documented as strings (Litestar writes a
    response header without a schema, which the OpenAPI specification does not allow)."""

    def __post_init__(self) -> None:
        for response in (self.responses or {}).values():
            for header in (getattr(response, "headers", None) or {}).values():
                if isinstance(header, OpenAPIHeader) and header.schema is None:
                    header.schema = Schema(type=OpenAPIType.STRING)


TAG_HEADERS = [
    ResponseHeader(name="ETag", description="Strong tag of this body", documentation_only=True),
    ResponseHeader(name="Cache-Control", description=CACHE_CONTROL, documentation_only=True),
    ResponseHeader(
        name="Vary",
        description="Accept: decimals are strings when it asks for `decimals=string`",
        documentation_only=True,
    ),
]
