"""A workflow spec as JSON text, the form both storages keep it in.

msgspec writes decimals as JSON strings, so every digit is kept. Reading validates the spec again
(~40 µs); a WorkflowSpec is immutable, so each text is decoded once and the value shared.
"""

import functools

import msgspec

from domain.model.workflow import WorkflowSpec

SPECS_REMEMBERED = 4096
"""Decoded specs kept by their text: more than the live workflows of any deployment we know."""


def spec_to_json(spec: WorkflowSpec) -> str:
    return msgspec.json.encode(spec).decode()


@functools.lru_cache(maxsize=SPECS_REMEMBERED)
def spec_from_json(text: str) -> WorkflowSpec:
    """The inverse of spec_to_json."""
    return msgspec.json.decode(text, type=WorkflowSpec)
