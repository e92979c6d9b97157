"""Workflow endpoints: create, read, replace, delete, list."""

from typing import Annotated, Literal

from litestar import delete, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from adapters.http.body import StrictJsonBody
from adapters.http.conditional import conditional_answer, kept_bodies
from adapters.http.decimal_forms import Accept, requested_form
from adapters.http.entity_tags import (
    CONDITIONAL_RESPONSES,
    TAG_HEADERS,
    IfNoneMatch,
    TaggedRead,
    tagged_by_body,
    workflow_tag,
)
from adapters.http.ids import WorkflowId, checked_id
from adapters.http.mappers import spec_from_request
from adapters.http.openapi import problems
from adapters.http.response_bodies import ApiController
from adapters.http.responses import JsonResponse
from adapters.http.workflow_schemas import WorkflowDetail, WorkflowListResponse, WorkflowRequest
from domain.use_cases.workflows import (
    CreateWorkflow,
    DeleteWorkflow,
    GetWorkflow,
    ListWorkflows,
    ReplaceWorkflow,
)

_READ = (400, 401, 429, 503)
_WRITE = (400, 401, 403, 413, 415, 429, 503)


class WorkflowController(ApiController):
    path = "/v1/workflows"
    tags = ["workflows"]

    @post(
        "/",
        dto=StrictJsonBody[WorkflowRequest],
        return_dto=None,
        responses=problems(*_WRITE, 409),
        operation_id="createWorkflow",
        summary="Create a workflow",
    )
    async def create(
        self,
        data: JSONBody[WorkflowRequest],
        create_workflow: NamedDependency[CreateWorkflow],
    ) -> JsonResponse[WorkflowDetail]:
        details = await create_workflow.execute(spec_from_request(data))
        return JsonResponse(
            self._bodies.workflow_detail(details),
            status_code=201,
            headers={"Location": f"{self.path}/{details.workflow.id}"},
        )

    @get(
        "/",
        responses=CONDITIONAL_RESPONSES | problems(*_READ),
        response_headers=TAG_HEADERS,
        operation_class=TaggedRead,
        operation_id="listWorkflows",
        summary="List workflows by name",
    )
    async def list_all(
        self,
        list_workflows: NamedDependency[ListWorkflows],
        enable: Annotated[Literal["true", "false"] | None, Parameter(description="Only enabled or disabled")] = None,
        if_none_match: IfNoneMatch = None,
        accept: Accept = None,
    ) -> JsonResponse[WorkflowListResponse]:
        listed = await list_workflows.execute(None if enable is None else enable == "true")
        body = WorkflowListResponse([self._bodies.workflow_list_item(item) for item in listed], len(listed))
        return tagged_by_body(body, if_none_match, requested_form(accept))

    @get(
        "/{workflow_id:str}",
        responses=CONDITIONAL_RESPONSES | problems(*_READ, 404),
        response_headers=TAG_HEADERS,
        operation_class=TaggedRead,
        operation_id="getWorkflow",
        summary="One workflow with its order summary",
    )
    async def get_one(
        self,
        workflow_id: WorkflowId,
        get_workflow: NamedDependency[GetWorkflow],
        state: State,
        if_none_match: IfNoneMatch = None,
        accept: Accept = None,
    ) -> JsonResponse[WorkflowDetail]:
        decimals = requested_form(accept)
        checked = checked_id(workflow_id, "workflow_id")
        return await conditional_answer(
            await get_workflow.execute(checked),
            ("workflow", checked, decimals),
            lambda revision: workflow_tag(revision, decimals),
            if_none_match,
            kept_bodies(state),
            lambda details: decimals.encoder.encode(self._bodies.workflow_detail(details)),
        )

    @put(
        "/{workflow_id:str}",
        dto=StrictJsonBody[WorkflowRequest],
        return_dto=None,
        responses=problems(*_WRITE, 404, 409),
        operation_id="replaceWorkflow",
        summary="Replace a workflow's configuration",
    )
    async def replace(
        self,
        workflow_id: WorkflowId,
        data: JSONBody[WorkflowRequest],
        replace_workflow: NamedDependency[ReplaceWorkflow],
    ) -> WorkflowDetail:
        checked = checked_id(workflow_id, "workflow_id")
        return self._bodies.workflow_detail(await replace_workflow.execute(checked, spec_from_request(data)))

    @delete(
        "/{workflow_id:str}",
        responses=problems(400, 401, 403, 404, 429, 503),
        operation_id="deleteWorkflow",
        summary="Delete a workflow (its orders stay until they expire)",
    )
    async def remove(self, workflow_id: WorkflowId, delete_workflow: NamedDependency[DeleteWorkflow]) -> None:
        await delete_workflow.execute(checked_id(workflow_id, "workflow_id"))
