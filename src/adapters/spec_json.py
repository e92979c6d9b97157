"""A workflow spec as JSON text, the form both storages keep it in.

msgspec writes decimals as JSON strings, so every digit is kept.
"""

import msgspec

from adapters.bounded_cache import BoundedCache
from domain.model.workflow import WorkflowSpec

SPECS_REMEMBERED = 4096
"""Decoded specs a repository keeps: more than the live workflows of any deployment we know."""


def spec_to_json(spec: WorkflowSpec) -> str:
    return msgspec.json.encode(spec).decode()


def spec_from_json(text: str) -> WorkflowSpec:
    """The inverse of spec_to_json; validates the spec as its constructor does."""
    return msgspec.json.decode(text, type=WorkflowSpec)


class DecodedSpecs:
    """spec_from_json with a memory: each text is decoded (and validated) once.

    Decoding validates the whole spec, which costs tens of microseconds per workflow and would
    dominate a workflow list. A WorkflowSpec is immutable, so one decoded value serves every later
    read of the same text.
    """

    def __init__(self, capacity: int = SPECS_REMEMBERED) -> None:
        self._specs: BoundedCache[str, WorkflowSpec] = BoundedCache("decoded workflow specs", capacity)

    def decode(self, text: str) -> WorkflowSpec:
        spec = self._specs.get(text)
        if spec is None:
            spec = spec_from_json(text)
            self._specs.put(text, spec)
        return spec
