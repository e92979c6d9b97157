"""Pure translation between workflows and DynamoDB low-level items (typed attribute values)."""

from __future__ import annotations

from typing import Any

from adapters.dynamodb.mapping import Item, boolean, n, read_id, read_int, read_s, s
from adapters.spec_json import DecodedWorkflows, spec_to_json
from domain.model.ids import Id
from domain.model.workflow import Workflow, WorkflowSpec

WORKFLOW_KIND = "workflow"
NAME_KIND = "name"


def workflow_pk(workflow_id: Id) -> str:
    return f"WORKFLOW#{workflow_id}"


def name_pk(name: str) -> str:
    return f"NAME#{name}"


SPEC_ATTRIBUTES = ("name", "enable", "spec")
"""How a spec is stored: its name and enable flag on their own (the engine filters and guards on
them) and the whole spec as JSON text (`spec`, decimals as strings, every digit kept). One string
attribute instead of nested maps: botocore parses one value per workflow instead of dozens."""

WORKFLOW_ATTRIBUTES = (*SPEC_ATTRIBUTES, "id", "created_at", "updated_at")
"""Everything item_to_workflow reads (a projection that leaves out the latest order)."""


def spec_to_attributes(spec: WorkflowSpec) -> Item:
    return {"name": s(spec.name), "enable": boolean(spec.enable), "spec": s(spec_to_json(spec))}


def workflow_to_item(workflow: Workflow) -> Item:
    """A new live workflow item: key, kind, identity, timestamps and spec."""
    return {
        "pk": s(workflow_pk(workflow.id)),
        "kind": s(WORKFLOW_KIND),
        "id": s(workflow.id),
        "created_at": n(workflow.created_at),
        "updated_at": n(workflow.updated_at),
        **spec_to_attributes(workflow.spec),
    }


def item_to_workflow(item: Any, decoded: DecodedWorkflows) -> Workflow:
    return decoded.workflow(
        read_id(item, "id"), read_s(item, "spec"), read_int(item, "created_at"), read_int(item, "updated_at")
    )


def name_guard_item(name: str, workflow_id: Id) -> Item:
    """The item that reserves a name for one live workflow."""
    return {"pk": s(name_pk(name)), "kind": s(NAME_KIND), "owner": s(workflow_id)}
