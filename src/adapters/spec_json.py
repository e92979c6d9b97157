"""A workflow spec as JSON text, the form both storages keep it in.

msgspec writes decimals as JSON strings, so every digit is kept.
"""

import functools

import msgspec

from domain.model.ids import Id
from domain.model.workflow import Workflow, WorkflowSpec

WORKFLOWS_REMEMBERED = 4096
"""Decoded workflows a repository keeps: more than the live workflows of any deployment we know."""


def spec_to_json(spec: WorkflowSpec) -> str:
    return msgspec.json.encode(spec).decode()


def dry_run_member(dry_run: bool | None) -> str:
    """The text by which spec_to_json states that the spec's dry_run is `dry_run`: what lets a
    storage check a stored spec's dry_run in a write condition.

    It is found nowhere else in the JSON: a quote inside a string is escaped, so `"dry_run":` can
    only be the key of the spec's own field (no nested object has one). None (`null`) is never found.
    """
    return '"dry_run":' + msgspec.json.encode(dry_run).decode()


def spec_from_json(text: str) -> WorkflowSpec:
    """The inverse of spec_to_json; validates the spec as its constructor does."""
    return msgspec.json.decode(text, type=WorkflowSpec)


class DecodedWorkflows:
    """Workflows rebuilt from their stored fields, each stored form decoded (and validated) once.

    Decoding validates the whole spec, which costs tens of microseconds per workflow and would
    dominate a workflow list. A Workflow is immutable and its stored fields determine it, so one
    decoded value serves every later read of the same stored form; a replaced workflow is stored
    anew (its updated_at moves) and decoded anew. The last `capacity` stored forms are kept.
    """

    def __init__(self, capacity: int = WORKFLOWS_REMEMBERED) -> None:
        self.workflow = functools.lru_cache(maxsize=capacity)(_decode_workflow)
        """(id, spec JSON, created_at, updated_at) -> Workflow, remembered."""


def _decode_workflow(workflow_id: Id, spec_json: str, created_at: int, updated_at: int) -> Workflow:
    return Workflow(workflow_id, spec_from_json(spec_json), created_at, updated_at)
