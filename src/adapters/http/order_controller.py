"""Order endpoints: record, a workflow's history, one order, and the latest order per workflow."""

from typing import Annotated

from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, Parameter

from adapters.http.body import StrictJsonBody
from adapters.http.conditional import conditional_answer, kept_bodies
from adapters.http.decimal_forms import Accept, requested_form
from adapters.http.entity_tags import (
    CONDITIONAL_RESPONSES,
    TAG_HEADERS,
    IfNoneMatch,
    TaggedRead,
    history_tag,
    order_tag,
    tagged_by_body,
)
from adapters.http.ids import OrderId, WorkflowId, checked_id
from adapters.http.mappers import draft_from_request
from adapters.http.openapi import problems
from adapters.http.order_schemas import (
    LatestOrdersResponse,
    RecordOrderRequest,
    WorkflowOrderDetail,
    WorkflowOrderHistoryResponse,
)
from adapters.http.response_bodies import ApiController
from adapters.http.responses import JsonResponse
from adapters.http.timestamps import parse_instant
from domain.model.enums import OrderDirection
from domain.model.history import DEFAULT_HISTORY_LIMIT, DEFAULT_LATEST_LIMIT, MAX_LIMIT, HistoryFilter, HistoryQuery
from domain.use_cases.order_queries import GetLatestOrders, GetOrder, GetOrderHistory, HistoryResult
from domain.use_cases.record_order import RecordOrder

Instant = Annotated[
    str | None,
    Parameter(description="RFC 3339 with Z or an offset; inclusive bound", schema_extra={"format": "date-time"}),
]
Direction = Annotated[OrderDirection | None, Parameter(description="Only BUY or only SELL orders")]
_READ = (400, 401, 429, 503)


class WorkflowOrderController(ApiController):
    path = "/v1/workflows/{workflow_id:str}/orders"
    tags = ["orders"]

    @post(
        "/",
        dto=StrictJsonBody[RecordOrderRequest],
        return_dto=None,
        status_code=201,
        responses={
            200: ResponseSpec(
                WorkflowOrderDetail,
                description="Replay: the stored order, nothing written",
                generate_examples=False,
            ),
            **problems(400, 401, 403, 404, 409, 413, 415, 429, 503),
        },
        operation_id="recordOrder",
        summary="Record an order placed by a workflow (idempotent by id)",
    )
    async def record(
        self,
        workflow_id: WorkflowId,
        data: JSONBody[RecordOrderRequest],
        record_order: NamedDependency[RecordOrder],
    ) -> JsonResponse[WorkflowOrderDetail]:
        recorded = await record_order.execute(checked_id(workflow_id, "workflow_id"), draft_from_request(data))
        return JsonResponse(
            self._bodies.order_detail(recorded.order),
            status_code=201 if recorded.created else 200,
            headers={"Location": f"/v1/orders/{recorded.order.id}"},
        )

    @get(
        "/",
        responses=CONDITIONAL_RESPONSES | problems(*_READ, 404),
        response_headers=TAG_HEADERS,
        operation_class=TaggedRead,
        operation_id="getOrderHistory",
        summary="A workflow's orders, newest first, paginated",
    )
    async def history(
        self,
        workflow_id: WorkflowId,
        get_order_history: NamedDependency[GetOrderHistory],
        state: State,
        limit: Annotated[int, Parameter(ge=1, le=MAX_LIMIT)] = DEFAULT_HISTORY_LIMIT,
        cursor: Annotated[str | None, Parameter(description="next_cursor of the previous page", min_length=1)] = None,
        since: Instant = None,
        until: Instant = None,
        direction: Direction = None,
        if_none_match: IfNoneMatch = None,
        accept: Accept = None,
    ) -> JsonResponse[WorkflowOrderHistoryResponse]:
        checked = checked_id(workflow_id, "workflow_id")
        history_filter = HistoryFilter(
            since=None if since is None else parse_instant(since, "since"),
            until=None if until is None else parse_instant(until, "until"),
            direction=direction,
        )
        query = HistoryQuery(limit, cursor, history_filter)
        decimals = requested_form(accept)

        def encode(result: HistoryResult) -> bytes:
            orders = [self._bodies.order_list_item(order) for order in result.orders]
            body = WorkflowOrderHistoryResponse(checked, orders, result.total_count, limit, result.next_cursor)
            return decimals.encoder.encode(body)

        return await conditional_answer(
            await get_order_history.execute(checked, query),
            ("history", checked, query, decimals),
            lambda revision: history_tag(checked, revision, query, decimals),
            if_none_match,
            kept_bodies(state),
            encode,
        )


class OrderController(ApiController):
    path = "/v1/orders"
    tags = ["orders"]

    @get(
        "/latest",
        responses=CONDITIONAL_RESPONSES | problems(*_READ),
        response_headers=TAG_HEADERS,
        operation_class=TaggedRead,
        operation_id="getLatestOrders",
        summary="The newest order of every workflow",
    )
    async def latest(
        self,
        get_latest_orders: NamedDependency[GetLatestOrders],
        limit: Annotated[int, Parameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LATEST_LIMIT,
        direction: Direction = None,
        if_none_match: IfNoneMatch = None,
        accept: Accept = None,
    ) -> JsonResponse[LatestOrdersResponse]:
        page = await get_latest_orders.execute(limit, direction)
        items = [self._bodies.latest_order_item(order) for order in page.orders]
        body = LatestOrdersResponse(items, page.total_count, limit)
        return tagged_by_body(body, if_none_match, requested_form(accept))

    @get(
        "/{order_id:str}",
        responses=CONDITIONAL_RESPONSES | problems(*_READ, 404),
        response_headers=TAG_HEADERS,
        operation_class=TaggedRead,
        operation_id="getOrder",
        summary="One order",
    )
    async def get_one(
        self,
        order_id: OrderId,
        get_order: NamedDependency[GetOrder],
        state: State,
        if_none_match: IfNoneMatch = None,
        accept: Accept = None,
    ) -> JsonResponse[WorkflowOrderDetail]:
        decimals = requested_form(accept)
        checked = checked_id(order_id, "order_id")
        return await conditional_answer(
            await get_order.execute(checked),
            ("order", checked, decimals),
            lambda revision: order_tag(revision, decimals),  # an order never changes while it can be read
            if_none_match,
            kept_bodies(state),
            lambda order: decimals.encoder.encode(self._bodies.order_detail(order)),
        )
